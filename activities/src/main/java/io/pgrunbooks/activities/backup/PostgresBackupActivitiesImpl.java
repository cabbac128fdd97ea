package io.pgrunbooks.activities.backup;

import io.pgrunbooks.activities.ActivitySupport;
import io.pgrunbooks.activities.Lookups;
import io.pgrunbooks.activities.postgres.ConnectionFactory;
import io.pgrunbooks.activities.postgres.Identifiers;
import io.pgrunbooks.activities.postgres.ConnectionFactory.NodeConnectException;
import io.pgrunbooks.config.BackupConfig.VerificationTarget;
import io.pgrunbooks.config.ClusterConfig;
import io.pgrunbooks.config.NodeConfig;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.workflows.activities.PostgresBackupActivities;
import io.pgrunbooks.workflows.backup.AmcheckResult;
import io.pgrunbooks.workflows.backup.BackupManifest;
import io.pgrunbooks.workflows.backup.BackupSource;
import io.pgrunbooks.workflows.backup.ChooseSourceInput;
import io.pgrunbooks.workflows.backup.CountRowsInput;
import io.pgrunbooks.workflows.backup.DumpInput;
import io.pgrunbooks.workflows.backup.RestoreInput;
import io.pgrunbooks.workflows.backup.RestoreResult;
import io.pgrunbooks.workflows.backup.ScratchInput;
import io.pgrunbooks.workflows.backup.TableCount;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/** See {@link PostgresBackupActivities}. Passwords reach child processes only through their environment. */
public class PostgresBackupActivitiesImpl implements PostgresBackupActivities {
  private static final Pattern SCRATCH = Pattern.compile("pgrb_verify_[a-z0-9]{1,40}");

  private final RunbooksConfig config;
  private final Map<String, String> env;
  private final ConnectionFactory connections;
  private final PgTools tools;
  private final BackupStoreActivitiesImpl store;

  public PostgresBackupActivitiesImpl(RunbooksConfig config, Map<String, String> env) {
    this.config = config;
    this.env = env;
    // Exact counts of big tables take long: no socket timeout beyond the activity's own.
    this.connections = new ConnectionFactory(config, () -> env, Duration.ofSeconds(5), Duration.ofHours(12));
    this.tools = new PgTools(config.backup().pgBinDir());
    this.store = new BackupStoreActivitiesImpl(config, env);
  }

  @Override
  public BackupSource chooseSource(ChooseSourceInput input) {
    ClusterConfig cluster = Lookups.cluster(config, input.cluster());
    String primary = null;
    List<String> notes = new ArrayList<>();
    for (NodeConfig node : cluster.nodes()) {
      try (Connection c = connections.open(input.cluster(), node.name(), "postgres");
           Statement st = c.createStatement();
           ResultSet rs = st.executeQuery("SELECT pg_is_in_recovery(),"
               + " (SELECT status FROM pg_stat_wal_receiver LIMIT 1),"
               + " COALESCE(pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn(), false),"
               + " COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)")) {
        rs.next();
        if (!rs.getBoolean(1)) {
          primary = primary == null ? node.name() : primary;
          continue;
        }
        boolean streaming = "streaming".equals(rs.getString(2));
        boolean caughtUp = rs.getBoolean(3);
        double lag = rs.getDouble(4);
        boolean healthy = streaming && (caughtUp || lag <= cluster.health().lagUnhealthySeconds());
        if (input.preferReplica() && healthy) {
          return new BackupSource(node.name(), "replica", node.name() + " is a streaming replica"
              + (caughtUp ? ", replay caught up" : ", replay lag " + Math.round(lag) + " s") + " (preferReplica)");
        }
        notes.add(node.name() + (healthy ? " is a healthy replica" : " is a replica but not healthy (wal receiver "
            + rs.getString(2) + ", lag " + Math.round(lag) + " s)"));
      } catch (NodeConnectException | SQLException e) {
        notes.add(node.name() + " unreachable: " + e.getMessage());
      }
    }
    if (primary == null) {
      throw ApplicationFailure.newFailure("no reachable primary and no healthy replica in cluster " + input.cluster()
          + (notes.isEmpty() ? "" : ": " + String.join("; ", notes)), FailureTypes.UNREACHABLE);
    }
    return new BackupSource(primary, "primary", primary + " is the primary"
        + (input.preferReplica() ? "; no healthy replica" : "; preferReplica is off")
        + (notes.isEmpty() ? "" : " (" + String.join("; ", notes) + ")"));
  }

  @Override
  public BackupManifest dumpToStore(DumpInput input) {
    ClusterConfig cluster = Lookups.cluster(config, input.cluster());
    NodeConfig node = Lookups.node(cluster, input.cluster(), input.node());
    String bucket = config.archive().bucket();
    String dumpKey = input.backupKey() + BackupStoreActivitiesImpl.DUMP;
    String manifestKey = input.backupKey() + BackupStoreActivitiesImpl.MANIFEST;
    Instant started = Instant.now();
    try (S3Client s3 = BackupS3.client(config.archive(), env)) {
      // A previous attempt that finished but whose result was lost: the manifest marks it complete.
      try {
        return BackupS3.JSON.readValue(s3.getObjectAsBytes(r -> r.bucket(bucket).key(manifestKey)).asByteArray(),
            BackupManifest.class);
      } catch (NoSuchKeyException e) {
        // not done yet
      }
      int stale = StreamingUpload.abortStale(s3, bucket, dumpKey);
      if (stale > 0) {
        Activity.getExecutionContext().heartbeat("aborted " + stale + " stale upload(s) of " + dumpKey);
      }
      String password = password(cluster, input.cluster());
      String pgDumpVersion = PgTools.output(List.of(tools.tool("pg_dump").toString(), "--version"));
      try (Connection c = connections.open(input.cluster(), node.name(), input.database())) {
        c.setAutoCommit(false);
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        String snapshot;
        Instant snapshotTime;
        String version;
        String lsn;
        boolean replica;
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT pg_export_snapshot(), now(), current_setting('server_version'),"
                 + " pg_is_in_recovery(), (CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn()"
                 + " ELSE pg_current_wal_lsn() END)::text")) {
          rs.next();
          snapshot = rs.getString(1);
          snapshotTime = rs.getTimestamp(2).toInstant();
          version = rs.getString(3);
          replica = rs.getBoolean(4);
          lsn = rs.getString(5);
        }
        // The exact counts and the dump read the same snapshot, so they run side by side: the backup takes the
        // longer of the two, not their sum. The counting thread owns c until its future is done.
        List<String> cmd = List.of(tools.tool("pg_dump").toString(), "--snapshot=" + snapshot, "--format=custom",
            "--no-password", "--host", node.host(), "--port", Integer.toString(node.port()),
            "--username", cluster.credentials().user(), "--dbname", input.database());
        ProcessBuilder pb = new ProcessBuilder(cmd);
        if (password != null) {
          pb.environment().put("PGPASSWORD", password);
        }
        pb.environment().put("PGAPPNAME", ConnectionFactory.APPLICATION_NAME + "-backup");
        Process dump = pb.start();
        PgTools.Tail stderr = new PgTools.Tail(dump.getErrorStream(), "pg_dump-stderr");
        AtomicInteger countedTables = new AtomicInteger();
        ExecutorService counting = Executors.newSingleThreadExecutor();
        Future<List<TableCount>> countsDone = counting.submit(() -> countInSnapshot(c, replica, countedTables));
        List<TableCount> counts;
        StreamingUpload.Uploaded up;
        try (InputStream out = dump.getInputStream()) {
          up = StreamingUpload.upload(s3, bucket, dumpKey, BackupS3.sse(config.archive()), config.archive().kmsKeyId(),
              out, bytes -> Activity.getExecutionContext().heartbeat(bytes));
          if (dump.waitFor() != 0) {
            throw new IllegalStateException("pg_dump exited with " + dump.exitValue() + ": " + stderr.text(password));
          }
          counts = awaitCounts(countsDone, countedTables);
        } catch (IOException | RuntimeException | InterruptedException e) {
          ActivitySupport.killTree(dump);
          if (!countsDone.isDone()) {
            abortQuietly(c);
          }
          // A dump that did not finish must not stay as an object that looks whole.
          s3.deleteObject(r -> r.bucket(bucket).key(dumpKey));
          if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
          }
          if (e instanceof RuntimeException re && !(e instanceof IllegalStateException)) {
            throw re;
          }
          throw new IllegalStateException("pg_dump into s3://" + bucket + "/" + dumpKey + " failed: "
              + e.getMessage(), e);
        } finally {
          counting.shutdownNow();
        }
        c.rollback();
        BackupManifest manifest = new BackupManifest(1, input.cluster(), input.database(), node.name(),
            replica ? "replica" : "primary", version, pgDumpVersion, snapshotTime, lsn, counts, dumpKey, up.bytes(),
            up.sha256(), input.workflowId(), input.runId(), started, Instant.now());
        store.put(s3, manifestKey, BackupS3.JSON.writeValueAsBytes(manifest));
        return manifest;
      }
    } catch (NodeConnectException e) {
      throw ApplicationFailure.newFailure(e.getMessage(), FailureTypes.UNREACHABLE);
    } catch (SQLException e) {
      throw sqlFailure("backup of " + input.database() + " on " + input.node(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Counts in the exported snapshot: the smallest tables exactly, up to the cap; estimates beyond it. */
  private List<TableCount> countInSnapshot(Connection c, boolean replica, AtomicInteger counted) throws SQLException {
    List<String[]> tables = new ArrayList<>();
    try (Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT n.nspname, c.relname, GREATEST(c.reltuples, 0)::bigint"
             + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
             + " WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
             + " AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'"
             + (replica ? " AND c.relpersistence = 'p'" : " AND c.relpersistence <> 't'")
             // Tables of extensions are not dumped as data (unless the extension says so): skip them.
             + " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass"
             + "   AND d.objid = c.oid AND d.deptype = 'e')"
             + " ORDER BY pg_relation_size(c.oid), n.nspname, c.relname")) {
      while (rs.next()) {
        tables.add(new String[] {rs.getString(1), rs.getString(2), Long.toString(rs.getLong(3))});
      }
    }
    int cap = config.backup().exactCountMaxTables();
    List<TableCount> out = new ArrayList<>();
    for (int i = 0; i < tables.size(); i++) {
      String[] t = tables.get(i);
      if (i < cap) {
        out.add(new TableCount(t[0], t[1], count(c, t[0], t[1]), true));
        counted.incrementAndGet();
      } else {
        out.add(new TableCount(t[0], t[1], Long.parseLong(t[2]), false));
      }
    }
    out.sort((a, b) -> a.qualified().compareTo(b.qualified()));
    return out;
  }

  /** Stops a count still running on the snapshot's connection; the backup fails anyway. */
  private static void abortQuietly(Connection c) {
    try {
      c.abort(Runnable::run);
    } catch (SQLException ignored) {
      // the failure being reported matters more
    }
  }

  /** Waits for the snapshot's counts, heartbeating; a failed count fails the backup with its SQL error. */
  private static List<TableCount> awaitCounts(Future<List<TableCount>> counts, AtomicInteger counted)
      throws InterruptedException {
    while (true) {
      try {
        return counts.get(2, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        Activity.getExecutionContext().heartbeat("dump uploaded; counted " + counted.get() + " tables");
      } catch (ExecutionException e) {
        if (e.getCause() instanceof SQLException sql) {
          throw sqlFailure("counting rows in the backup's snapshot", sql);
        }
        throw new IllegalStateException("counting rows in the backup's snapshot: " + e.getCause(), e.getCause());
      }
    }
  }

  private static long count(Connection c, String schema, String table) throws SQLException {
    try (Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT count(*) FROM " + Identifiers.quote(schema, table))) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Override
  public RestoreResult restore(RestoreInput input) {
    VerificationTarget target = target();
    String scratch = scratch(input.scratchDatabase());
    Path file = null;
    try (S3Client s3 = BackupS3.client(config.archive(), env)) {
      // pg_restore --jobs needs a seekable file: the dump goes to a temp file, checked while it streams.
      file = Files.createTempFile("pgrb-verify-", ".pgdump");
      long t0 = System.nanoTime();
      MessageDigest sha = StreamingUpload.digest("SHA-256");
      long bytes = 0;
      try (InputStream in = s3.getObject(r -> r.bucket(config.archive().bucket()).key(input.dumpKey()),
          ResponseTransformer.toInputStream()); OutputStream out = Files.newOutputStream(file)) {
        byte[] buf = new byte[1 << 20];
        long lastBeat = 0;
        for (int n; (n = in.read(buf)) > 0; ) {
          sha.update(buf, 0, n);
          out.write(buf, 0, n);
          bytes += n;
          if (bytes - lastBeat >= 64L << 20) {
            Activity.getExecutionContext().heartbeat("downloaded " + bytes + " bytes");
            lastBeat = bytes;
          }
        }
      }
      String got = HexFormat.of().formatHex(sha.digest());
      double downloadSeconds = (System.nanoTime() - t0) / 1e9;
      if (!got.equals(input.expectedSha256()) || bytes != input.expectedBytes()) {
        throw ApplicationFailure.newNonRetryableFailure("checksum mismatch: s3 object " + input.dumpKey() + " has "
            + bytes + " bytes with SHA-256 " + got + ", the manifest says " + input.expectedBytes() + " bytes with "
            + input.expectedSha256() + " (the object was changed or corrupted after the backup)",
            FailureTypes.SAFETY_REFUSED);
      }
      String password = targetPassword(target);
      try (Connection c = openTarget(target, target.maintenanceDatabase(), password); Statement st = c.createStatement()) {
        st.execute("DROP DATABASE IF EXISTS " + Identifiers.quote(scratch) + " WITH (FORCE)");
        st.execute("CREATE DATABASE " + Identifiers.quote(scratch));
      }
      long t1 = System.nanoTime();
      List<String> cmd = List.of(tools.tool("pg_restore").toString(), "--jobs", Integer.toString(Math.max(1, input.jobs())),
          "--no-owner", "--no-privileges", "--exit-on-error", "--no-password", "--host", target.host(),
          "--port", Integer.toString(target.port()), "--username", target.credentials().user(),
          "--dbname", scratch, file.toString());
      // The scratch database is dropped at the end whatever happens: its commits need not wait for a WAL flush.
      runChild(cmd, password, "pg_restore", Map.of("PGOPTIONS", "-c synchronous_commit=off"));
      double restoreSeconds = (System.nanoTime() - t1) / 1e9;
      long size;
      try (Connection c = openTarget(target, target.maintenanceDatabase(), password); Statement st = c.createStatement();
           ResultSet rs = st.executeQuery("SELECT pg_database_size('" + scratch + "')")) {
        rs.next();
        size = rs.getLong(1);
      }
      return new RestoreResult(target.host() + ":" + target.port(), bytes, got, downloadSeconds, restoreSeconds, size);
    } catch (NoSuchKeyException e) {
      throw Lookups.badInput("the dump " + input.dumpKey() + " is missing from the bucket");
    } catch (SQLException e) {
      throw sqlFailure("restore into " + scratch, e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (file != null) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException ignored) {
          // temp dir cleanup
        }
      }
    }
  }

  @Override
  public List<TableCount> countRows(CountRowsInput input) {
    VerificationTarget target = target();
    String scratch = scratch(input.scratchDatabase());
    String password = targetPassword(target);
    List<TableCount> exact = input.tables().stream().filter(TableCount::exact).toList();
    // As many connections as pg_restore had: the biggest tables first, so that the last ones end together.
    Queue<TableCount> todo = new ConcurrentLinkedQueue<>(exact.stream()
        .sorted(Comparator.comparingLong(TableCount::rows).reversed()).toList());
    Map<String, Long> counted = new ConcurrentHashMap<>();
    int workers = Math.max(1, Math.min(config.backup().effectiveRestoreJobs(), exact.size()));
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    try {
      List<Future<Void>> running = new ArrayList<>();
      for (int i = 0; i < workers; i++) {
        running.add(pool.submit(() -> {
          try (Connection c = openTarget(target, scratch, password)) {
            for (TableCount t; (t = todo.poll()) != null; ) {
              counted.put(t.qualified(), countOrMissing(c, t));
            }
          }
          return null;
        }));
      }
      for (Future<Void> f : running) {
        while (true) {
          try {
            f.get(2, TimeUnit.SECONDS);
            break;
          } catch (TimeoutException e) {
            Activity.getExecutionContext().heartbeat("counted " + counted.size() + " of " + exact.size() + " tables");
          }
        }
      }
    } catch (ExecutionException e) {
      if (e.getCause() instanceof SQLException sql) {
        throw sqlFailure("counting rows in " + scratch, sql);
      }
      throw new IllegalStateException("counting rows in " + scratch + ": " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("counting rows in " + scratch + " interrupted", e);
    } finally {
      pool.shutdownNow();
    }
    return exact.stream().map(t -> new TableCount(t.schema(), t.table(), counted.get(t.qualified()), true)).toList();
  }

  /** Exact count, or -1 when the restore did not create the table (or its schema). */
  private static long countOrMissing(Connection c, TableCount t) throws SQLException {
    try {
      return count(c, t.schema(), t.table());
    } catch (SQLException e) {
      if (!"42P01".equals(e.getSQLState()) && !"3F000".equals(e.getSQLState())) {
        throw e;
      }
      return -1;
    }
  }

  @Override
  public AmcheckResult amcheck(ScratchInput input) {
    VerificationTarget target = target();
    String scratch = scratch(input.scratchDatabase());
    if (!tools.has("pg_amcheck")) {
      return new AmcheckResult(false, true, "pg_amcheck not available on the worker: skipped");
    }
    // --jobs: one connection per relation at a time, as many as the restore used.
    List<String> cmd = List.of(tools.tool("pg_amcheck").toString(), "--install-missing", "--no-password",
        "--jobs", Integer.toString(config.backup().effectiveRestoreJobs()),
        "--host", target.host(), "--port", Integer.toString(target.port()), "--username", target.credentials().user(),
        "--database", scratch);
    try {
      runChild(cmd, targetPassword(target), "pg_amcheck", Map.of());
      return new AmcheckResult(true, true, "pg_amcheck: no corruption found in tables and B-tree indexes");
    } catch (ApplicationFailure e) {
      if (e.getOriginalMessage().contains("amcheck") && e.getOriginalMessage().contains("extension")) {
        return new AmcheckResult(false, true, "amcheck extension not installable on the target: skipped");
      }
      return new AmcheckResult(true, false, e.getOriginalMessage());
    }
  }

  @Override
  public boolean dropScratch(ScratchInput input) {
    VerificationTarget target = target();
    String scratch = scratch(input.scratchDatabase());
    try (Connection c = openTarget(target, target.maintenanceDatabase(), targetPassword(target));
         Statement st = c.createStatement()) {
      boolean existed;
      try (ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_database WHERE datname = '" + scratch + "'")) {
        rs.next();
        existed = rs.getLong(1) > 0;
      }
      st.execute("DROP DATABASE IF EXISTS " + Identifiers.quote(scratch) + " WITH (FORCE)");
      return existed;
    } catch (SQLException e) {
      throw sqlFailure("dropping " + scratch, e);
    }
  }

  /** Runs a child to its end, heartbeating; on cancellation or failure it (and its workers) are killed. */
  private void runChild(List<String> cmd, String password, String name, Map<String, String> childEnv) {
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().putAll(childEnv);
    if (password != null) {
      pb.environment().put("PGPASSWORD", password);
    }
    pb.redirectErrorStream(true);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    PgTools.Tail output = new PgTools.Tail(p.getInputStream(), name + "-output");
    try {
      long t0 = System.nanoTime();
      while (!p.waitFor(2, TimeUnit.SECONDS)) {
        Activity.getExecutionContext().heartbeat(name + " running " + (System.nanoTime() - t0) / 1_000_000_000 + " s");
      }
      if (p.exitValue() != 0) {
        throw ApplicationFailure.newNonRetryableFailure(name + " failed (exit " + p.exitValue() + "): "
            + output.text(password), "RestoreFailed");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ActivitySupport.killTree(p);
      throw new IllegalStateException(name + " interrupted", e);
    } catch (RuntimeException e) {
      ActivitySupport.killTree(p);
      throw e;
    }
  }

  private VerificationTarget target() {
    VerificationTarget t = config.backup().verification();
    if (t == null) {
      throw Lookups.config("no verification target: set backup.verification in the worker's config");
    }
    if (!t.allowPrimary()) {
      config.clusters().forEach((name, cl) -> cl.nodes().forEach(n -> {
        if (n.host().equals(t.host()) && n.port() == t.port()) {
          throw ApplicationFailure.newNonRetryableFailure("verification target " + t.host() + ":" + t.port()
              + " is node " + n.name() + " of cluster " + name + "; refusing to restore there without allowPrimary",
              FailureTypes.SAFETY_REFUSED);
        }
      }));
    }
    return t;
  }

  private String targetPassword(VerificationTarget t) {
    try {
      return t.credentials().resolvePassword(env);
    } catch (IllegalStateException e) {
      throw Lookups.config("backup.verification: " + e.getMessage());
    }
  }

  private String password(ClusterConfig c, String name) {
    try {
      return c.credentials().resolvePassword(env);
    } catch (IllegalStateException e) {
      throw Lookups.config("cluster " + name + ": " + e.getMessage());
    }
  }

  private static Connection openTarget(VerificationTarget t, String database, String password) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", t.credentials().user());
    if (password != null) {
      props.setProperty("password", password);
    }
    props.setProperty("ApplicationName", ConnectionFactory.APPLICATION_NAME + "-verify");
    props.setProperty("connectTimeout", "5");
    String host = t.host().contains(":") ? "[" + t.host() + "]" : t.host();
    return DriverManager.getConnection("jdbc:postgresql://" + host + ":" + t.port() + "/" + database, props);
  }

  private static String scratch(String name) {
    if (name == null || !SCRATCH.matcher(name).matches()) {
      throw Lookups.badInput("'" + name + "' is not a scratch database name of pg-runbooks (pgrb_verify_...)");
    }
    return name;
  }

  private static RuntimeException sqlFailure(String what, SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    if (state.startsWith("08")) {
      return ApplicationFailure.newFailure(what + ": " + e.getMessage(), FailureTypes.UNREACHABLE);
    }
    return ApplicationFailure.newFailure(what + ": " + e.getMessage() + " (SQLSTATE " + state + ")", "SqlError");
  }
}
