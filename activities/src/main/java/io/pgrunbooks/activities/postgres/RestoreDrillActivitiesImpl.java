package io.pgrunbooks.activities.postgres;

import static io.pgrunbooks.activities.ActivitySupport.heartbeat;

import io.pgrunbooks.activities.ActivitySupport;
import io.pgrunbooks.activities.Lookups;
import io.pgrunbooks.config.ClusterConfig;
import io.pgrunbooks.config.PgBackRestConfig;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.workflows.restoredrill.DrillCheckCall;
import io.pgrunbooks.workflows.restoredrill.DrillFacts;
import io.pgrunbooks.workflows.restoredrill.DrillTarget;
import io.pgrunbooks.workflows.restoredrill.RestoreDrillActivities;
import io.pgrunbooks.workflows.restoredrill.RestoreDrillRules;
import io.pgrunbooks.workflows.restoredrill.SentinelCall;
import io.pgrunbooks.workflows.restoredrill.SentinelFacts;
import io.pgrunbooks.workflows.restoredrill.TableCheck;
import io.temporal.failure.ApplicationFailure;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * RestoreDrill's SQL: the sentinels and RPO on the primary, and the checks of the restored scratch instance. The only
 * writes to the cluster are the sentinel rows in {@code pgrunbooks.drill_sentinel} (created when missing).
 */
public class RestoreDrillActivitiesImpl implements RestoreDrillActivities {
  /** Failure type of a WAL segment that did not reach the repository in time: retried. */
  public static final String NOT_ARCHIVED = "WalNotArchived";
  static final String TABLE = "pgrunbooks.drill_sentinel";
  private static final Duration ARCHIVE_WAIT = Duration.ofMinutes(2);

  private final RunbooksConfig config;
  private final ConnectionFactory connections;
  private final Map<String, TopologyBackend> backends;

  /** Direct clusters only: a Patroni cluster's primary is then the one writable node, as on direct. */
  public RestoreDrillActivitiesImpl(RunbooksConfig config, ConnectionFactory connections) {
    this(config, connections, List.of());
  }

  /** @param backends one per {@code clusters.<name>.topology} this worker serves: the primary is theirs */
  public RestoreDrillActivitiesImpl(RunbooksConfig config, ConnectionFactory connections, List<TopologyBackend> backends) {
    this.config = config;
    this.connections = connections;
    this.backends = TopologyBackend.byName(backends);
  }

  @Override
  public DrillTarget restoreDrillTarget(String cluster, String database) {
    ClusterConfig c = Lookups.cluster(config, cluster);
    PgBackRestConfig b = c.pgbackrest();
    if (b == null) {
      throw Lookups.badInput("cluster " + cluster + " has no pgbackrest section: physical backups are not set up, so "
          + "there is nothing to drill (see ops/docs/physical-backup.md)");
    }
    String db = database != null ? database : c.databases().keySet().stream().findFirst().orElse("postgres");
    try (Primary primary = Primary.open(config, connections, backends, cluster, db)) {
      return new DrillTarget(primary.node(), c.node(primary.node()).host(), b.stanza(), db,
          b.rtoObjective() == null ? 0 : b.rtoObjective().toSeconds(),
          b.rpoObjective() == null ? 0 : b.rpoObjective().toSeconds(),
          (int) Math.min(Integer.MAX_VALUE, config.worker().agentStartTimeout().toSeconds()));
    }
  }

  @Override
  public SentinelFacts drillSentinels(SentinelCall call) {
    try (Primary primary = Primary.open(config, connections, backends, call.cluster(), call.database())) {
      Connection c = primary.connection();
      c.setAutoCommit(true);
      long rpo;
      String lastWal;
      long failures;
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT last_archived_wal, "
          + "floor(extract(epoch FROM now() - last_archived_time))::bigint, failed_count FROM pg_stat_archiver")) {
        rs.next();
        lastWal = rs.getString(1);
        rpo = rs.getObject(2) == null ? -1 : rs.getLong(2);
        failures = rs.getLong(3);
      }
      try (Statement st = c.createStatement()) {
        st.execute("CREATE SCHEMA IF NOT EXISTS pgrunbooks");
        st.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (id bigserial PRIMARY KEY, run_key text NOT NULL, "
            + "kind text NOT NULL CHECK (kind IN ('before', 'after')), written_at timestamptz NOT NULL DEFAULT "
            + "clock_timestamp(), target timestamptz, UNIQUE (run_key, kind))");
      }
      long beforeId = 0;
      Map<String, Long> writes = Map.of();
      Long afterId = sentinel(c, call.runKey(), "after");
      long target = afterId == null ? call.targetEpochMicros() : afterTarget(c, afterId);
      if (call.targetEpochMicros() == 0) {
        // The drill picks the target: table counters, then "before", then the moment, then "after" a second later.
        writes = tableWrites(c);
        beforeId = insert(c, call.runKey(), "before", null);
        if (afterId == null) {
          target = micros(queryTimestamp(c, "SELECT clock_timestamp()"));
          ActivitySupport.pause(1100, NOT_ARCHIVED);
        }
      }
      if (afterId == null) {
        afterId = insert(c, call.runKey(), "after", target);
      }
      long earlier;
      try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + TABLE
          + " WHERE written_at <= ?::timestamptz - interval '1 second' AND run_key <> ?")) {
        ps.setTimestamp(1, timestamp(target));
        ps.setString(2, call.runKey());
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          earlier = rs.getLong(1);
        }
      }
      awaitArchived(c);
      return new SentinelFacts(rpo, lastWal, failures, target, RestoreDrillRules.targetText(target), beforeId,
          afterId, earlier, writes);
    } catch (SQLException e) {
      throw ApplicationFailure.newFailure("sentinels on the primary of " + call.cluster() + ": "
          + ActivitySupport.firstLine(e.getMessage()), "SqlError");
    }
  }

  @Override
  public DrillFacts drillCheck(DrillCheckCall call) {
    SentinelFacts s = call.sentinels();
    try (Connection r = connections.openInstance(call.cluster(), call.host(), call.port(), call.database())) {
      r.setAutoCommit(true);
      boolean inRecovery;
      long timeline;
      try (Statement st = r.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_is_in_recovery(), "
          + "CASE WHEN pg_is_in_recovery() THEN 0 ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))"
          + "::bit(32)::bigint END")) {
        rs.next();
        inRecovery = rs.getBoolean(1);
        timeline = rs.getLong(2);
      }
      boolean sentinels = queryTimestamp(r, "SELECT CASE WHEN to_regclass('" + TABLE + "') IS NULL THEN NULL "
          + "ELSE now() END") != null;
      boolean before = sentinels && s.beforeId() != 0 && exists(r, s.beforeId());
      boolean after = sentinels && exists(r, s.afterId());
      long earlierPresent = 0;
      if (sentinels) {
        try (PreparedStatement ps = r.prepareStatement("SELECT count(*) FROM " + TABLE
            + " WHERE written_at <= ?::timestamptz - interval '1 second'")) {
          ps.setTimestamp(1, timestamp(s.targetEpochMicros()));
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            earlierPresent = rs.getLong(1);
          }
        }
      }
      List<TableCheck> tables = new ArrayList<>();
      int written = 0;
      if (!s.tableWrites().isEmpty()) {
        try (Primary primary = Primary.open(config, connections, backends, call.cluster(), call.database())) {
          Map<String, Long> now = tableWrites(primary.connection());
          List<String> unwritten = RestoreDrillRules.unwrittenTables(s.tableWrites(), now);
          written = s.tableWrites().size() - unwritten.size();
          for (String t : unwritten) {
            heartbeat("counting " + t);
            tables.add(new TableCheck(t, count(primary.connection(), t), count(r, t)));
          }
        }
      }
      List<String> errors = new ArrayList<>();
      int checked = amcheck(r, errors);
      return new DrillFacts(inRecovery, timeline, before, after, earlierPresent, tables, written, checked, errors);
    } catch (ConnectionFactory.NodeConnectException e) {
      throw ApplicationFailure.newFailure("cannot reach the restored instance: " + e.getMessage(), "Unreachable");
    } catch (SQLException e) {
      throw ApplicationFailure.newFailure("checking the restored instance at " + call.host() + ":" + call.port()
          + ": " + ActivitySupport.firstLine(e.getMessage()), "SqlError");
    }
  }

  /** bt_index_check of every valid B-tree index; one line per index that fails. Returns how many were checked. */
  private static int amcheck(Connection r, List<String> errors) throws SQLException {
    try (Statement st = r.createStatement()) {
      st.execute("CREATE EXTENSION IF NOT EXISTS amcheck");
    } catch (SQLException e) {
      errors.add("amcheck is not installable on the restored instance: " + ActivitySupport.firstLine(e.getMessage()));
      return 0;
    }
    List<String[]> indexes = new ArrayList<>();
    try (Statement st = r.createStatement(); ResultSet rs = st.executeQuery("SELECT c.oid, n.nspname || '.' || "
        + "c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam "
        + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE am.amname = 'btree' AND i.indisvalid AND i.indisready "
        + "AND c.relpersistence <> 't' ORDER BY c.oid")) {
      while (rs.next()) {
        indexes.add(new String[] {rs.getString(1), rs.getString(2)});
      }
    }
    for (String[] index : indexes) {
      heartbeat("bt_index_check " + index[1]);
      try (PreparedStatement ps = r.prepareStatement("SELECT bt_index_check(?::oid::regclass)")) {
        ps.setLong(1, Long.parseLong(index[0]));
        ps.execute();
      } catch (SQLException e) {
        errors.add(index[1] + ": " + ActivitySupport.firstLine(e.getMessage()));
      }
    }
    return indexes.size();
  }

  private static Map<String, Long> tableWrites(Connection c) throws SQLException {
    Map<String, Long> out = new LinkedHashMap<>();
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT schemaname, relname, "
        + "n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_user_tables WHERE schemaname <> 'pgrunbooks' "
        + "ORDER BY 1, 2")) {
      while (rs.next()) {
        out.put(rs.getString(1) + "." + rs.getString(2), rs.getLong(3));
      }
    }
    return out;
  }

  /** Exact row count of {@code schema.name} (as pg_stat_user_tables spells it), or -1 when the table is missing. */
  private static long count(Connection c, String qualified) throws SQLException {
    int dot = qualified.indexOf('.');
    String sql = "SELECT count(*) FROM " + Identifiers.quote(qualified.substring(0, dot),
        qualified.substring(dot + 1));
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      if ("42P01".equals(e.getSQLState()) || "3F000".equals(e.getSQLState())) {
        return -1;
      }
      throw e;
    }
  }

  private static Long sentinel(Connection c, String runKey, String kind) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT id FROM " + TABLE + " WHERE run_key = ? AND kind = ?")) {
      ps.setString(1, runKey);
      ps.setString(2, kind);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : null;
      }
    }
  }

  private static long afterTarget(Connection c, long afterId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT target FROM " + TABLE + " WHERE id = ?")) {
      ps.setLong(1, afterId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return micros(rs.getTimestamp(1));
      }
    }
  }

  /** Inserts the run's sentinel of {@code kind} unless a retried attempt did already; returns its id. */
  private static long insert(Connection c, String runKey, String kind, Long target) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + TABLE + " (run_key, kind, target) VALUES (?, ?, ?) "
        + "ON CONFLICT (run_key, kind) DO NOTHING")) {
      ps.setString(1, runKey);
      ps.setString(2, kind);
      ps.setTimestamp(3, target == null ? null : timestamp(target));
      ps.executeUpdate();
    }
    return sentinel(c, runKey, kind);
  }

  private static boolean exists(Connection c, long id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + TABLE + " WHERE id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  /**
   * Switches to a new WAL segment and waits until the archiver pushed the one holding the sentinels: recovery can only
   * stop at the target when WAL past it is in the repository.
   */
  private static void awaitArchived(Connection c) throws SQLException {
    String segment;
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
        "SELECT pg_walfile_name(pg_switch_wal())")) {
      rs.next();
      segment = rs.getString(1);
    }
    long deadline = System.nanoTime() + ARCHIVE_WAIT.toNanos();
    while (true) {
      String last;
      long failed;
      String lastFailed;
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
          "SELECT last_archived_wal, failed_count, last_failed_wal FROM pg_stat_archiver")) {
        rs.next();
        last = rs.getString(1);
        failed = rs.getLong(2);
        lastFailed = rs.getString(3);
      }
      // Same timeline while the drill runs; segment names then sort in WAL order.
      if (last != null && last.compareTo(segment) >= 0) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw ApplicationFailure.newFailure("WAL segment " + segment + " with the drill's sentinels was not archived "
            + "within " + ARCHIVE_WAIT.toSeconds() + " s (newest archived " + last + ", " + failed + " archive failures"
            + (lastFailed == null ? "" : ", last failed " + lastFailed) + "): check archive_command", NOT_ARCHIVED);
      }
      heartbeat("waiting for " + segment + " to be archived (newest " + last + ")");
      ActivitySupport.pause(500, NOT_ARCHIVED);
    }
  }

  private static Timestamp queryTimestamp(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getTimestamp(1);
    }
  }

  private static long micros(Timestamp t) {
    Instant i = t.toInstant();
    return TimeUnit.SECONDS.toMicros(i.getEpochSecond()) + i.getNano() / 1000;
  }

  private static Timestamp timestamp(long micros) {
    return Timestamp.from(Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
        Math.floorMod(micros, 1_000_000L) * 1000));
  }
}
