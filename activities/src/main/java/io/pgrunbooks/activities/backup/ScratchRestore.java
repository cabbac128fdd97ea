package io.pgrunbooks.activities.backup;

import io.pgrunbooks.activities.Lookups;
import io.pgrunbooks.activities.postgres.ConnectionFactory;
import io.pgrunbooks.activities.postgres.Identifiers;
import io.pgrunbooks.config.BackupConfig.VerificationTarget;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.workflows.backup.AmcheckResult;
import io.pgrunbooks.workflows.backup.CountRowsInput;
import io.pgrunbooks.workflows.backup.RestoreInput;
import io.pgrunbooks.workflows.backup.RestoreResult;
import io.pgrunbooks.workflows.backup.ScratchInput;
import io.pgrunbooks.workflows.backup.TableCount;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * The BackupVerification half of {@link PostgresBackupActivitiesImpl}: downloads and checks a dump,
 * restores it into a scratch database on the verification target, counts rows, runs amcheck and drops
 * the scratch database. Refuses a target that is a cluster node unless the config allows it.
 */
final class ScratchRestore {
  private static final Pattern SCRATCH = Pattern.compile("pgrb_verify_[a-z0-9]{1,40}");

  private final RunbooksConfig config;
  private final Map<String, String> env;
  private final PgTools tools;

  ScratchRestore(RunbooksConfig config, Map<String, String> env, PgTools tools) {
    this.config = config;
    this.env = env;
    this.tools = tools;
  }

  RestoreResult restore(RestoreInput input) {
    VerificationTarget target = target(input.cluster());
    String scratch = scratch(input.scratchDatabase());
    Path file = null;
    try (S3Client s3 = BackupS3.client(config.archive(), env)) {
      String password = targetPassword(target);
      try (Connection c = openTarget(target, target.maintenanceDatabase(), password); Statement st = c.createStatement()) {
        st.execute("DROP DATABASE IF EXISTS " + Identifiers.quote(scratch) + " WITH (FORCE)");
        st.execute("CREATE DATABASE " + Identifiers.quote(scratch));
      }
      Path dir = DumpDownload.tempDir(config.backup());
      boolean stream = input.jobs() <= 1 || !DumpDownload.fits(input.expectedBytes(), DumpDownload.usable(dir));
      List<String> cmd = new ArrayList<>(List.of(tools.tool("pg_restore").toString(), "--jobs",
          Integer.toString(stream ? 1 : input.jobs()), "--no-owner", "--no-privileges", "--exit-on-error",
          "--no-password", "--host", target.host(), "--port", Integer.toString(target.port()), "--username",
          target.credentials().user(), "--dbname", scratch));
      // The scratch database is dropped at the end whatever happens: its commits need not wait for a WAL flush.
      Map<String, String> childEnv = Map.of("PGOPTIONS", "-c synchronous_commit=off");
      DumpDownload.Downloaded dump;
      long t1 = System.nanoTime();
      if (stream) {
        // No parallelism asked for, or no room for the file: pg_restore reads the dump from its standard input.
        AtomicReference<DumpDownload.Downloaded> streamed = new AtomicReference<>();
        PgTools.runHeartbeating(cmd, password, "pg_restore", childEnv, false, stdin -> streamed.set(
            DumpDownload.stream(s3, config.archive().bucket(), input.dumpKey(), stdin, input.expectedBytes(),
                input.expectedSha256())));
        dump = streamed.get();
      } else {
        dump = DumpDownload.toTempFile(s3, config.archive().bucket(), input.dumpKey(), dir, "pgrb-verify-",
            input.expectedBytes(), input.expectedSha256());
        file = dump.file();
        t1 = System.nanoTime();
        cmd.add(file.toString());
        PgTools.runHeartbeating(cmd, password, "pg_restore", childEnv, false);
      }
      double restoreSeconds = (System.nanoTime() - t1) / 1e9;
      long size;
      try (Connection c = openTarget(target, target.maintenanceDatabase(), password); Statement st = c.createStatement();
           ResultSet rs = st.executeQuery("SELECT pg_database_size('" + scratch + "')")) {
        rs.next();
        size = rs.getLong(1);
      }
      return new RestoreResult(target.host() + ":" + target.port(), dump.bytes(), dump.sha256(), dump.seconds(),
          restoreSeconds, size, stream);
    } catch (NoSuchKeyException e) {
      throw Lookups.badInput("the dump " + input.dumpKey() + " is missing from the bucket");
    } catch (SQLException e) {
      throw BackupSql.sqlFailure("restore into " + scratch, e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      DumpDownload.deleteQuietly(file);
    }
  }

  List<TableCount> countRows(CountRowsInput input) {
    VerificationTarget target = target(input.cluster());
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
        throw BackupSql.sqlFailure("counting rows in " + scratch, sql);
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
      return BackupSql.count(c, t.schema(), t.table());
    } catch (SQLException e) {
      if (!"42P01".equals(e.getSQLState()) && !"3F000".equals(e.getSQLState())) {
        throw e;
      }
      return -1;
    }
  }

  AmcheckResult amcheck(ScratchInput input) {
    VerificationTarget target = target(input.cluster());
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
      PgTools.runHeartbeating(cmd, targetPassword(target), "pg_amcheck", Map.of(), false);
      return new AmcheckResult(true, true, "pg_amcheck: no corruption found in tables and B-tree indexes");
    } catch (ApplicationFailure e) {
      if (e.getOriginalMessage().contains("amcheck") && e.getOriginalMessage().contains("extension")) {
        return new AmcheckResult(false, true, "amcheck extension not installable on the target: skipped");
      }
      return new AmcheckResult(true, false, e.getOriginalMessage());
    }
  }

  boolean dropScratch(ScratchInput input) {
    VerificationTarget target = target(input.cluster());
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
      throw BackupSql.sqlFailure("dropping " + scratch, e);
    }
  }

  /** The verification target of {@code cluster}'s backups (null cluster: the default target). */
  private VerificationTarget target(String cluster) {
    VerificationTarget t = config.backup().verificationFor(cluster);
    if (t == null) {
      throw Lookups.config("no verification target for cluster " + cluster + ": set backup.verification (or"
          + " backup.verificationTargets." + cluster + ") in the worker's config");
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
}
