package io.pgrunbooks.activities.postgres;

import io.pgrunbooks.workflows.activities.NodeHealthFacts;
import io.pgrunbooks.workflows.activities.NodeHealthFacts.DatabaseSize;
import io.pgrunbooks.workflows.activities.NodeHealthFacts.LockWait;
import io.pgrunbooks.workflows.activities.NodeHealthFacts.LongQuery;
import io.pgrunbooks.workflows.activities.NodeHealthFacts.ReplicationPeer;
import io.pgrunbooks.workflows.activities.NodeHealthFacts.WalReceiver;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The read-only health queries of one node (seed runbooks RB-1 and the operations runbook's
 * metrics). Only catalog and statistics views are read; query texts are cut to
 * {@value #QUERY_CHARS} characters and at most {@value #MAX_ROWS} rows are kept per list, so a
 * busy server cannot blow up the workflow history.
 */
final class HealthFactsReader {
  static final int QUERY_CHARS = 200;
  static final int MAX_ROWS = 50;

  private static final String BASICS = """
      SELECT 'PostgreSQL ' || current_setting('server_version'),
             current_setting('server_version_num')::int,
             pg_is_in_recovery(),
             current_setting('max_connections')::int,
             (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')::int
      """;

  // Non-idle client backends whose current statement started before the threshold; our own
  // session is left out. 'idle in transaction' counts: it holds locks and snapshots.
  private static final String LONG_QUERIES = """
      SELECT pid, usename, datname, state,
             floor(EXTRACT(EPOCH FROM clock_timestamp() - query_start))::bigint,
             left(query, %d)
        FROM pg_stat_activity
       WHERE backend_type = 'client backend' AND state IS NOT NULL AND state <> 'idle'
         AND pid <> pg_backend_pid()
         AND query_start < clock_timestamp() - make_interval(secs => ?)
       ORDER BY query_start
       LIMIT %d
      """.formatted(QUERY_CHARS, MAX_ROWS);

  // pg_locks.waitstart (PostgreSQL 14+) says how long the wait has lasted; older servers fall back
  // to the start of the waiting statement.
  private static final String LOCK_WAITS = """
      SELECT w.pid, b.pid,
             floor(EXTRACT(EPOCH FROM clock_timestamp() - coalesce(%s, w.query_start, clock_timestamp())))::bigint,
             left(w.query, %d), left(b.query, %d)
        FROM pg_stat_activity w
             CROSS JOIN LATERAL unnest(pg_blocking_pids(w.pid)) AS blocking(pid)
             LEFT JOIN pg_stat_activity b ON b.pid = blocking.pid
       WHERE w.wait_event_type = 'Lock'
       ORDER BY 3 DESC, w.pid, b.pid
       LIMIT %d
      """;
  private static final String WAIT_START =
      "(SELECT min(l.waitstart) FROM pg_locks l WHERE l.pid = w.pid AND NOT l.granted)";

  /**
   * Below this many block accesses the ratio says more about a cold start than about the cache
   * (a fresh server reads its catalogs from disk once), so it is not reported.
   */
  static final long MIN_BLOCKS_FOR_CACHE_RATIO = 100_000;

  private static final String CACHE_HIT = """
      SELECT CASE WHEN sum(blks_hit) + sum(blks_read) >= %d
                  THEN sum(blks_hit)::float8 / (sum(blks_hit) + sum(blks_read)) END
        FROM pg_stat_database
      """.formatted(MIN_BLOCKS_FOR_CACHE_RATIO);

  private static final String DATABASE_SIZES = """
      SELECT datname, pg_database_size(oid) FROM pg_database
       WHERE datallowconn AND NOT datistemplate
       ORDER BY datname
      """;

  private static final String REPLICATION = """
      SELECT r.application_name, host(r.client_addr), s.slot_name, r.state, r.sync_state,
             EXTRACT(EPOCH FROM r.write_lag)::float8,
             EXTRACT(EPOCH FROM r.flush_lag)::float8,
             EXTRACT(EPOCH FROM r.replay_lag)::float8,
             coalesce(pg_wal_lsn_diff(r.sent_lsn, r.replay_lsn), 0)::bigint
        FROM pg_stat_replication r
             LEFT JOIN pg_replication_slots s ON s.active_pid = r.pid
       ORDER BY r.application_name, r.pid
      """;

  private static final String WAL_RECEIVER = """
      SELECT status, sender_host, sender_port, slot_name,
             coalesce(pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()), 0)::bigint
        FROM pg_stat_wal_receiver
      """;

  private HealthFactsReader() {}

  static NodeHealthFacts read(Connection c, String node, long longQuerySeconds) throws SQLException {
    String version;
    int versionNum;
    boolean inRecovery;
    int maxConnections;
    int connections;
    try (PreparedStatement ps = c.prepareStatement(BASICS); ResultSet rs = ps.executeQuery()) {
      rs.next();
      version = rs.getString(1);
      versionNum = rs.getInt(2);
      inRecovery = rs.getBoolean(3);
      maxConnections = rs.getInt(4);
      connections = rs.getInt(5);
    }
    List<LongQuery> longQueries = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(LONG_QUERIES)) {
      ps.setLong(1, longQuerySeconds);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          longQueries.add(new LongQuery(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getString(4),
              rs.getLong(5), rs.getString(6)));
        }
      }
    }
    List<LockWait> lockWaits = new ArrayList<>();
    String lockSql = LOCK_WAITS.formatted(versionNum >= 140000 ? WAIT_START : "NULL::timestamptz", QUERY_CHARS,
        QUERY_CHARS, MAX_ROWS);
    try (PreparedStatement ps = c.prepareStatement(lockSql); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        lockWaits.add(new LockWait(rs.getInt(1), rs.getInt(2), rs.getLong(3), rs.getString(4), rs.getString(5)));
      }
    }
    Double cacheHit;
    try (PreparedStatement ps = c.prepareStatement(CACHE_HIT); ResultSet rs = ps.executeQuery()) {
      rs.next();
      cacheHit = nullableDouble(rs, 1);
    }
    List<DatabaseSize> sizes = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(DATABASE_SIZES); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        sizes.add(new DatabaseSize(rs.getString(1), rs.getLong(2)));
      }
    }
    List<ReplicationPeer> replicas = new ArrayList<>();
    WalReceiver receiver = null;
    if (!inRecovery) {
      try (PreparedStatement ps = c.prepareStatement(REPLICATION); ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          replicas.add(new ReplicationPeer(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
              rs.getString(5), nullableDouble(rs, 6), nullableDouble(rs, 7), nullableDouble(rs, 8), rs.getLong(9)));
        }
      }
    } else {
      try (PreparedStatement ps = c.prepareStatement(WAL_RECEIVER); ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          int port = rs.getInt(3);
          Integer senderPort = rs.wasNull() ? null : port;
          receiver = new WalReceiver(rs.getString(1), rs.getString(2), senderPort, rs.getString(4), rs.getLong(5));
        }
      }
    }
    return new NodeHealthFacts(node, true, null, inRecovery, version, connections, maxConnections,
        List.copyOf(longQueries), List.copyOf(lockWaits), cacheHit, List.copyOf(sizes), List.copyOf(replicas),
        receiver, Instant.now());
  }

  private static Double nullableDouble(ResultSet rs, int column) throws SQLException {
    double v = rs.getDouble(column);
    return rs.wasNull() ? null : v;
  }
}
