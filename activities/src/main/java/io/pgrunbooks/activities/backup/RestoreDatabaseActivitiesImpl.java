package io.pgrunbooks.activities.backup;

import io.pgrunbooks.activities.ActivitySupport;
import io.pgrunbooks.activities.Lookups;
import io.pgrunbooks.activities.postgres.ConnectionFactory;
import io.pgrunbooks.activities.postgres.Identifiers;
import io.pgrunbooks.config.ClusterConfig;
import io.pgrunbooks.config.NodeConfig;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.workflows.restoredatabase.RestoreDatabaseActivities;
import io.pgrunbooks.workflows.backup.TableCount;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * See {@link RestoreDatabaseActivities}: {@code RestoreDatabase} on the cluster's current primary. Passwords reach
 * pg_restore only through its environment. Names are checked against the same plain-identifier rule as the
 * workflow's and always quoted.
 */
public class RestoreDatabaseActivitiesImpl implements RestoreDatabaseActivities {
  private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
  private static final String OBJECT_IN_USE = "55006";
  private static final String DATABASES = """
      SELECT d.datname, shobj_description(d.oid, 'pg_database'), pg_database_size(d.oid),
             (SELECT count(*) FROM pg_stat_activity a WHERE a.datname = d.datname AND a.pid <> pg_backend_pid())
        FROM pg_database d WHERE d.datname = ANY (?)
      """;

  private final RunbooksConfig config;
  private final Map<String, String> env;
  private final ConnectionFactory connections;
  private final PgTools tools;

  public RestoreDatabaseActivitiesImpl(RunbooksConfig config, Map<String, String> env) {
    this.config = config;
    this.env = env;
    // Exact counts of big tables take long: no socket timeout beyond the activity's own.
    this.connections = new ConnectionFactory(config, () -> env, Duration.ofSeconds(5), Duration.ofHours(12));
    this.tools = new PgTools(config.backup().pgBinDir());
  }

  @Override
  public RestoreFacts inspectRestore(RestoreTarget t) {
    ClusterConfig c = Lookups.cluster(config, t.cluster());
    name("database", t.database());
    name("targetDatabase", t.targetDatabase());
    name("the swapped-out name", t.beforeName());
    try (Primary p = primary(t.cluster())) {
      Map<String, Db> found = databases(p.connection(), List.of(t.database(), t.targetDatabase(), t.beforeName()));
      Db live = found.get(t.database());
      Db target = found.get(t.targetDatabase());
      return new RestoreFacts(p.node(), live != null, target != null, found.containsKey(t.beforeName()),
          c.databases().containsKey(t.targetDatabase()), live == null ? null : live.comment(),
          target == null ? null : target.comment(), live == null ? 0 : live.bytes(), target == null ? 0 : target.bytes(),
          live == null ? 0 : live.sessions(), target == null ? 0 : target.sessions(),
          c.pgbouncer() == null ? null : c.pgbouncer().node(),
          (int) Math.min(Integer.MAX_VALUE, config.worker().agentStartTimeout().toSeconds()));
    } catch (SQLException e) {
      throw BackupSql.sqlFailure("inspecting databases of " + t.cluster(), e);
    }
  }

  @Override
  public RestoredDatabase restoreIntoTarget(RestoreIntoInput in) {
    ClusterConfig c = Lookups.cluster(config, in.cluster());
    String target = name("targetDatabase", in.targetDatabase());
    Path file = null;
    try (Primary p = primary(in.cluster()); Statement st = p.connection().createStatement()) {
      Db existing = databases(p.connection(), List.of(target)).get(target);
      boolean redone = false;
      if (existing != null) {
        if (!in.marker().equals(existing.comment())) {
          throw ApplicationFailure.newNonRetryableFailure("database " + target + " exists and does not carry this "
              + "run's marker (comment: " + existing.comment() + "); it is not dropped. If it was created by this run "
              + "and the worker died before the comment was set, drop it yourself and start the run again",
              FailureTypes.SAFETY_REFUSED);
        }
        // An earlier attempt of this run left it half restored: start over.
        st.execute("DROP DATABASE " + Identifiers.quote(target) + " WITH (FORCE)");
        redone = true;
      }
      long t0 = System.nanoTime();
      file = download(in);
      double downloadSeconds = (System.nanoTime() - t0) / 1e9;
      st.execute("CREATE DATABASE " + Identifiers.quote(target) + " TEMPLATE template0");
      st.execute("COMMENT ON DATABASE " + Identifiers.quote(target) + " IS '" + in.marker().replace("'", "''") + "'");
      String owner = owner(p.connection(), in.database());
      if (owner != null) {
        st.execute("ALTER DATABASE " + Identifiers.quote(target) + " OWNER TO " + Identifiers.quote(owner));
      }
      NodeConfig node = Lookups.node(c, in.cluster(), p.node());
      long t1 = System.nanoTime();
      // Owners and privileges are kept: the roles are the cluster's own, and a swapped-in copy must behave the same.
      // Retryable: the next attempt finds the marked, half-restored target, drops it and starts over.
      PgTools.runHeartbeating(List.of(tools.tool("pg_restore").toString(), "--jobs",
          Integer.toString(Math.max(1, in.jobs())), "--exit-on-error", "--no-password", "--host", node.host(),
          "--port", Integer.toString(node.port()), "--username", c.credentials().user(), "--dbname", target,
          file.toString()), password(c, in.cluster()), "pg_restore", Map.of(), true);
      double restoreSeconds = (System.nanoTime() - t1) / 1e9;
      return new RestoredDatabase(p.node(), redone, downloadSeconds, restoreSeconds,
          databases(p.connection(), List.of(target)).get(target).bytes());
    } catch (SQLException e) {
      throw BackupSql.sqlFailure("restore into " + target, e);
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
  public List<TableCount> countRestoredRows(CountRestoredInput in) {
    String target = name("targetDatabase", in.targetDatabase());
    String node;
    try (Primary p = primary(in.cluster())) {
      node = p.node();
    }
    List<TableCount> out = new ArrayList<>();
    try (Connection c = connections.open(in.cluster(), node, target)) {
      for (TableCount t : in.tables()) {
        if (!t.exact()) {
          continue;
        }
        long rows;
        try {
          rows = BackupSql.count(c, t.schema(), t.table());
        } catch (SQLException e) {
          if (!"42P01".equals(e.getSQLState()) && !"3F000".equals(e.getSQLState())) {
            throw e;
          }
          rows = -1;
        }
        out.add(new TableCount(t.schema(), t.table(), rows, true));
        Activity.getExecutionContext().heartbeat("counted " + out.size() + " tables");
      }
      return out;
    } catch (ConnectionFactory.NodeConnectException e) {
      throw ApplicationFailure.newFailure("cannot connect to " + target + " on " + node + ": " + e.getMessage(),
          FailureTypes.UNREACHABLE);
    } catch (SQLException e) {
      throw BackupSql.sqlFailure("counting rows in " + target, e);
    }
  }

  @Override
  public String renameDatabase(RenameInput in) {
    String from = name("from", in.from());
    String to = name("to", in.to());
    try (Primary p = primary(in.cluster()); Statement st = p.connection().createStatement()) {
      Map<String, Db> found = databases(p.connection(), List.of(from, to));
      if (!found.containsKey(from) && found.containsKey(to)) {
        return from + " was already renamed to " + to;
      }
      if (!found.containsKey(from) || found.containsKey(to)) {
        throw ApplicationFailure.newNonRetryableFailure("cannot rename " + from + " to " + to + ": " + from
            + (found.containsKey(from) ? " exists" : " is missing") + " and " + to
            + (found.containsKey(to) ? " exists" : " is missing"), FailureTypes.SAFETY_REFUSED);
      }
      int ended = 0;
      for (int attempt = 1; ; attempt++) {
        // Clients that reconnect between the two statements (directly, not through the paused PgBouncer) make the
        // rename fail with object_in_use: end them again and retry.
        try (ResultSet rs = st.executeQuery("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            + " WHERE datname = '" + from + "' AND pid <> pg_backend_pid()")) {
          rs.next();
          ended += rs.getInt(1);
        }
        try {
          st.execute("ALTER DATABASE " + Identifiers.quote(from) + " RENAME TO " + Identifiers.quote(to));
          return "renamed " + from + " to " + to + " on " + p.node() + " (" + ended + " sessions ended)";
        } catch (SQLException e) {
          if (!OBJECT_IN_USE.equals(e.getSQLState()) || attempt >= 20) {
            throw e;
          }
          ActivitySupport.pause(250, FailureTypes.UNREACHABLE);
        }
      }
    } catch (SQLException e) {
      throw BackupSql.sqlFailure("renaming " + from + " to " + to, e);
    }
  }

  private Path download(RestoreIntoInput in) {
    try (S3Client s3 = BackupS3.client(config.archive(), env)) {
      return DumpDownload.toTempFile(s3, config.archive().bucket(), in.dumpKey(), DumpDownload.tempDir(config.backup()),
          "pgrb-restore-", in.dumpBytes(), in.sha256()).file();
    } catch (NoSuchKeyException e) {
      throw Lookups.badInput("the dump " + in.dumpKey() + " is missing from the bucket");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, Db> databases(Connection c, List<String> names) throws SQLException {
    Map<String, Db> out = new java.util.HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(DATABASES)) {
      ps.setArray(1, c.createArrayOf("text", names.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), new Db(rs.getString(2), rs.getLong(3), rs.getInt(4)));
        }
      }
    }
    return out;
  }

  private static String owner(Connection c, String database) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = ?")) {
      ps.setString(1, database);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  private Primary primary(String cluster) {
    ClusterConfig c = Lookups.cluster(config, cluster);
    List<String> tried = new ArrayList<>();
    for (NodeConfig n : c.nodes()) {
      Connection conn = null;
      try {
        conn = connections.open(cluster, n.name(), "postgres");
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_is_in_recovery()")) {
          rs.next();
          if (!rs.getBoolean(1)) {
            return new Primary(n.name(), conn);
          }
        }
        tried.add(n.name() + ": replica");
        conn.close();
      } catch (ConnectionFactory.NodeConnectException e) {
        tried.add(n.name() + ": " + e.getMessage());
      } catch (SQLException e) {
        tried.add(n.name() + ": " + e.getMessage());
        if (conn != null) {
          try {
            conn.close();
          } catch (SQLException ignored) {
            // broken connection
          }
        }
      }
    }
    // Retryable: a failover may be in progress.
    throw ApplicationFailure.newFailure("no reachable primary in cluster " + cluster + " (" + String.join("; ", tried)
        + ")", "NoPrimary");
  }

  private String password(ClusterConfig c, String cluster) {
    try {
      return c.credentials().resolvePassword(env);
    } catch (IllegalStateException e) {
      throw Lookups.config("cluster " + cluster + ": " + e.getMessage());
    }
  }

  private static String name(String what, String value) {
    if (value == null || !NAME.matcher(value).matches()) {
      throw Lookups.badInput(what + " \"" + value + "\" is not a plain lower-case database name");
    }
    return value;
  }

  private record Db(String comment, long bytes, int sessions) {}

  private record Primary(String node, Connection connection) implements AutoCloseable {
    @Override
    public void close() {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // closing a broken connection
      }
    }
  }
}
