package io.pgrunbooks.activities.failover;

import io.pgrunbooks.activities.postgres.Identifiers;
import io.pgrunbooks.workflows.activities.FailoverActivities.DrillTableInput;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The drill's evidence table: one row per sentinel, probe write and probe stop marker, keyed by drill, phase, kind
 * and sequence. Rows are kept after the drill: they are its evidence.
 */
final class DrillRows {
  static final String SENTINEL = "sentinel";
  static final String PROBE = "probe";
  static final String STOP = "stop";

  private final DrillTableInput t;
  private final String table;

  DrillRows(DrillTableInput t) {
    this.t = t;
    String[] parts = Identifiers.split(t.table(), "drill probe table");
    this.table = Identifiers.quote(parts[0], parts[1]);
  }

  void create(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS " + table + " (drill_id text, phase text, kind text, seq bigint, "
          + "written_at timestamptz NOT NULL DEFAULT clock_timestamp(), PRIMARY KEY (drill_id, phase, kind, seq))");
    }
  }

  /** Inserts (or finds) the row; returns the WAL position right after its commit. */
  long insert(Connection c, String kind, long seq) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (drill_id, phase, kind, seq) "
        + "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
      ps.setString(1, t.drillId());
      ps.setString(2, t.phase());
      ps.setString(3, kind);
      ps.setLong(4, seq);
      ps.executeUpdate();
    }
    try (Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** One probe write; true when the phase's stop row exists (seen in the same statement's snapshot). */
  boolean probe(PreparedStatement ps, long seq) throws SQLException {
    ps.setLong(3, seq);
    try (ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getBoolean(1);
    }
  }

  PreparedStatement probeStatement(Connection c) throws SQLException {
    PreparedStatement ps = c.prepareStatement("WITH ins AS (INSERT INTO " + table + " (drill_id, phase, kind, seq) "
        + "VALUES (?, ?, '" + PROBE + "', ?) RETURNING 1) SELECT EXISTS (SELECT 1 FROM " + table
        + " WHERE drill_id = ? AND phase = ? AND kind = '" + STOP + "') FROM ins");
    ps.setString(1, t.drillId());
    ps.setString(2, t.phase());
    ps.setString(4, t.drillId());
    ps.setString(5, t.phase());
    return ps;
  }

  Map<String, Set<Long>> present(Connection c) throws SQLException {
    Map<String, Set<Long>> out = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT kind, seq FROM " + table + " WHERE drill_id = ? AND phase = ?")) {
      ps.setString(1, t.drillId());
      ps.setString(2, t.phase());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.computeIfAbsent(rs.getString(1), k -> new HashSet<>()).add(rs.getLong(2));
        }
      }
    }
    return out;
  }
}
