package io.pgrunbooks.activities.backup;

import io.pgrunbooks.activities.ActivitySupport;
import io.pgrunbooks.activities.Lookups;
import io.pgrunbooks.activities.postgres.ConnectionFactory;
import io.pgrunbooks.activities.s3.MultipartUpload;
import io.pgrunbooks.activities.s3.PartSizes;
import io.pgrunbooks.activities.postgres.ConnectionFactory.NodeConnectException;
import io.pgrunbooks.config.ClusterConfig;
import io.pgrunbooks.config.NodeConfig;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.workflows.backup.BackupManifest;
import io.pgrunbooks.workflows.backup.BackupSource;
import io.pgrunbooks.workflows.backup.ChooseSourceInput;
import io.pgrunbooks.workflows.backup.DumpInput;
import io.pgrunbooks.workflows.backup.TableCount;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * The Backup half of {@link PostgresBackupActivitiesImpl}: picks the node to dump from and streams
 * {@code pg_dump} of an exported snapshot to the store while the same snapshot's rows are counted.
 */
final class BackupDump {
  private final RunbooksConfig config;
  private final Map<String, String> env;
  private final ConnectionFactory connections;
  private final PgTools tools;
  private final BackupStoreActivitiesImpl store;

  BackupDump(RunbooksConfig config, Map<String, String> env, ConnectionFactory connections, PgTools tools,
             BackupStoreActivitiesImpl store) {
    this.config = config;
    this.env = env;
    this.connections = connections;
    this.tools = tools;
    this.store = store;
  }

  BackupSource chooseSource(ChooseSourceInput input) {
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

  BackupManifest dumpToStore(DumpInput input) {
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
      int stale = MultipartUpload.abortStale(s3, bucket, dumpKey, Set.of());
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
        long databaseBytes;
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT pg_export_snapshot(), now(), current_setting('server_version'),"
                 + " pg_is_in_recovery(), (CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn()"
                 + " ELSE pg_current_wal_lsn() END)::text, pg_database_size(current_database())")) {
          rs.next();
          snapshot = rs.getString(1);
          snapshotTime = rs.getTimestamp(2).toInstant();
          version = rs.getString(3);
          replica = rs.getBoolean(4);
          lsn = rs.getString(5);
          // A dump is rarely larger than the database on disk: its size chooses the upload's part size.
          databaseBytes = rs.getLong(6);
        }
        try {
          PartSizes.choose(databaseBytes, MultipartUpload.Options.backup().minPartSize());
        } catch (IllegalArgumentException e) {
          throw ApplicationFailure.newNonRetryableFailure("backup of " + input.database() + " refused before it "
              + "started: " + e.getMessage(), FailureTypes.SAFETY_REFUSED);
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
        MultipartUpload.Copied up;
        try (InputStream out = dump.getInputStream();
             MultipartUpload upload = MultipartUpload.start(s3, config.archive(), dumpKey,
                 MultipartUpload.Options.backup(), Set.of(), databaseBytes, id -> {},
                 bytes -> Activity.getExecutionContext().heartbeat(bytes))) {
          up = upload.copy(out);
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
      throw BackupSql.sqlFailure("backup of " + input.database() + " on " + input.node(), e);
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
        out.add(new TableCount(t[0], t[1], BackupSql.count(c, t[0], t[1]), true));
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
          throw BackupSql.sqlFailure("counting rows in the backup's snapshot", sql);
        }
        throw new IllegalStateException("counting rows in the backup's snapshot: " + e.getCause(), e.getCause());
      }
    }
  }

  private String password(ClusterConfig c, String name) {
    try {
      return c.credentials().resolvePassword(env);
    } catch (IllegalStateException e) {
      throw Lookups.config("cluster " + name + ": " + e.getMessage());
    }
  }
}
