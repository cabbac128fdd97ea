package io.pgrunbooks.ops.stack;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The whole local stack of real servers used by {@code runbooks dev} and by the tests: Temporal
 * dev server, PostgreSQL primary + streaming replicas, PgBouncer in front of the primary, and an
 * S3-compatible store. Servers start in parallel; closing stops them all (a JVM shutdown hook
 * does it if nobody closes the stack).
 */
public final class LocalStack implements AutoCloseable {
  /** The archive bucket created in the S3 store. */
  public static final String BUCKET = "pg-runbooks";
  public static final String S3_ACCESS_KEY = "runbooks";
  public static final String S3_SECRET_KEY = "runbooks-secret-key";
  /** The database user every server of the stack is administered as. */
  public static final String PG_USER = "postgres";

  private final LocalStackOptions options;
  private final PostgresCluster postgres;
  private final PgBouncerServer pgbouncer;
  private final S3Store s3;
  private final TemporalDevServer temporal;
  private final AtomicBoolean closed = new AtomicBoolean();

  private LocalStack(LocalStackOptions options, PostgresCluster postgres, PgBouncerServer pgbouncer, S3Store s3,
      TemporalDevServer temporal) {
    this.options = options;
    this.postgres = postgres;
    this.pgbouncer = pgbouncer;
    this.s3 = s3;
    this.temporal = temporal;
  }

  /** Starts every server (Temporal, PostgreSQL and S3 concurrently) and returns once all are ready. */
  public static LocalStack start(LocalStackOptions o) {
    Path base = o.baseDir().toAbsolutePath();
    // Fail before starting anything when a binary is missing.
    Prerequisites prerequisites = new Prerequisites();
    prerequisites.pgBinDir();
    prerequisites.pgbouncer();
    prerequisites.temporal();

    Supplier<AutoCloseable> startTemporal = () -> TemporalDevServer.start(
        new TemporalDevServerOptions(o.temporalPort(), o.temporalUiPort(), o.temporalDbFile(),
            base.resolve("temporal.log")));
    Supplier<AutoCloseable> startS3 = () -> S3Store.start(
        new S3StoreOptions(o.s3Port(), o.s3DataDir(), BUCKET, S3_ACCESS_KEY, S3_SECRET_KEY, base.resolve("tls"),
            o.s3TlsPort()));
    if (o.patroni() != null) {
      prerequisites.patroni();
      prerequisites.etcd();
    }
    Supplier<AutoCloseable> startPostgres = () -> PostgresCluster.start(new PostgresClusterOptions(base,
        o.primaryName(), o.postgresPort(), o.replicaNames(), o.replicaPorts(), o.password(), o.reuseExisting(),
        o.patroni()));
    List<Parallel.Outcome<AutoCloseable>> started =
        Parallel.all("stack-start", List.of(startTemporal, startS3, startPostgres));

    RuntimeException failure = null;
    for (Parallel.Outcome<AutoCloseable> outcome : started) {
      if (outcome.failure() != null) {
        if (failure == null) {
          failure = Parallel.asRuntime(outcome.failure());
        } else {
          failure.addSuppressed(outcome.failure());
        }
      }
    }
    PgBouncerServer pgbouncer = null;
    if (failure == null) {
      PostgresCluster cluster = (PostgresCluster) started.get(2).value();
      // Under Patroni a restarted stack's leader may be any node; direct stacks start pg1 as the primary.
      PostgresNode target = o.patroni() != null ? cluster.currentPrimary() : cluster.primary();
      try {
        pgbouncer = PgBouncerServer.start(new PgBouncerOptions(base.resolve("pgbouncer"), o.pgbouncerPort(),
            target.host(), target.port(), o.password(), o.reuseExisting()));
      } catch (RuntimeException e) {
        failure = e;
      }
    }
    if (failure != null) {
      // Temporal, S3 and the pgbouncer dir first: the cluster's close deletes the base dir.
      for (int i : new int[] {0, 1, 2}) {
        closeQuietly(started.get(i).value(), failure);
      }
      throw failure;
    }
    LocalStack stack = new LocalStack(o, (PostgresCluster) started.get(2).value(), pgbouncer,
        (S3Store) started.get(1).value(), (TemporalDevServer) started.get(0).value());
    ShutdownRegistry.register(stack);
    return stack;
  }

  public PostgresCluster postgres() {
    return postgres;
  }

  public PgBouncerServer pgbouncer() {
    return pgbouncer;
  }

  public S3Store s3() {
    return s3;
  }

  public TemporalDevServer temporal() {
    return temporal;
  }

  public LocalStackOptions options() {
    return options;
  }

  /** The shape of {@code .runbooks-dev/stack.json}: where every server listens and how to reach it. */
  public Map<String, Object> describe() {
    Map<String, Object> out = new LinkedHashMap<>();
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("address", temporal.address());
    t.put("uiUrl", temporal.uiUrl());
    t.put("namespace", temporal.namespace());
    out.put("temporal", t);
    List<Map<String, Object>> nodes = new ArrayList<>();
    for (PostgresNode n : postgres.nodes()) {
      Map<String, Object> node = new LinkedHashMap<>();
      node.put("name", n.name());
      node.put("host", n.host());
      node.put("port", n.port());
      node.put("dataDir", n.dataDir().toString());
      node.put("user", PG_USER);
      nodes.add(node);
    }
    Map<String, Object> pg = new LinkedHashMap<>();
    pg.put("nodes", nodes);
    // Scripts log in with PGPASSFILE=<this> (libpq), instead of reading secrets.properties.
    pg.put("passFile", postgres.passFile() == null ? null : postgres.passFile().toString());
    out.put("postgres", pg);
    PatroniServers patroni = postgres.patroni();
    if (patroni != null) {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("scope", PatroniServers.SCOPE);
      p.put("restApi", patroni.restUrls());
      p.put("user", patroni.passwordFile() == null ? null : PatroniServers.REST_USER);
      p.put("passwordFile", patroni.passwordFile() == null ? null : patroni.passwordFile().toString());
      p.put("etcd", patroni.etcdUrl());
      out.put("patroni", p);
    }
    Map<String, Object> b = new LinkedHashMap<>();
    b.put("host", pgbouncer.host());
    b.put("port", pgbouncer.port());
    // The admin console is the "pgbouncer" database on the same port.
    b.put("adminPort", pgbouncer.port());
    out.put("pgbouncer", b);
    Map<String, Object> store = new LinkedHashMap<>();
    store.put("endpoint", s3.endpoint().toString());
    store.put("secureEndpoint", s3.secureEndpoint() == null ? null : s3.secureEndpoint().toString());
    store.put("caFile", s3.caFile() == null ? null : s3.caFile().toString());
    store.put("region", s3.region());
    store.put("bucket", s3.bucket());
    store.put("accessKey", s3.accessKey());
    store.put("secretKey", s3.secretKey());
    store.put("dataDir", s3.dataDir() == null ? null : s3.dataDir().toAbsolutePath().toString());
    out.put("s3", store);
    return out;
  }

  /** Writes {@link #describe()} as pretty JSON, creating parent directories. */
  public void writeStackJson(Path file) {
    try {
      if (file.toAbsolutePath().getParent() != null) {
        Files.createDirectories(file.toAbsolutePath().getParent());
      }
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), describe());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** Stops every server, even when one fails to stop; unless reuseExisting, the base dir is deleted. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    RuntimeException failure = null;
    try {
      failure = attempt(failure, pgbouncer::close);
      failure = attempt(failure, () -> Parallel.run("stack-stop", List.of(temporal::close, postgres::stopServers)));
      // After PostgreSQL: a shutting-down archiver pushes its last segments to pgBackRest's repository in the store
      // (measured on the Patroni mode with the store gone first: ~100 s until Patroni's grace ran out).
      failure = attempt(failure, s3::close);
      // Last, with its nodes already stopped: it deletes the base dir, which holds the Temporal log.
      failure = attempt(failure, postgres::close);
    } finally {
      ShutdownRegistry.unregister(this);
      if (!options.reuseExisting()) {
        failure = attempt(failure, () -> Processes.deleteTree(options.baseDir()));
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private static RuntimeException attempt(RuntimeException failure, Runnable step) {
    try {
      step.run();
      return failure;
    } catch (RuntimeException e) {
      if (failure == null) {
        return e;
      }
      failure.addSuppressed(e);
      return failure;
    }
  }

  private static void closeQuietly(AutoCloseable resource, RuntimeException failure) {
    if (resource == null) {
      return;
    }
    try {
      resource.close();
    } catch (Exception e) {
      failure.addSuppressed(e);
    }
  }

  @Override
  public String toString() {
    return "LocalStack[" + options.baseDir() + "]";
  }
}
