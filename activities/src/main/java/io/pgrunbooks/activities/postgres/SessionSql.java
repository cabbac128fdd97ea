package io.pgrunbooks.activities.postgres;

import io.pgrunbooks.workflows.activities.SessionActivities.Criteria;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The one selection of sessions both finding and signalling use, so a signal hits only what the evidence showed. */
final class SessionSql {
  /** {@code backend_start} as exact microseconds (numeric epoch since PostgreSQL 14, no float rounding). */
  static final String START_MICROS = "(extract(epoch FROM backend_start) * 1000000)::bigint";

  private static final String SESSIONS = """
      SELECT a.pid, (extract(epoch FROM a.backend_start) * 1000000)::bigint AS start_us,
             to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS started,
             a.datname, a.usename, a.application_name, a.client_addr::text AS client, a.state,
             left(a.query, 300) AS query, a.query AS full_query,
             extract(epoch FROM now() - coalesce(CASE WHEN a.state = 'active' THEN a.query_start ELSE a.state_change END,
                                                  a.backend_start))::bigint AS state_seconds,
             coalesce(extract(epoch FROM now() - a.xact_start)::bigint, -1) AS xact_seconds,
             (SELECT count(*) FROM pg_stat_activity w WHERE a.pid = ANY (pg_blocking_pids(w.pid)))::int AS blocks,
             (SELECT coalesce(max(extract(epoch FROM now() - w.query_start)), 0)::bigint FROM pg_stat_activity w
               WHERE a.pid = ANY (pg_blocking_pids(w.pid))) AS blocking_seconds
        FROM pg_stat_activity a
       WHERE a.backend_type = 'client backend'
         AND a.pid <> pg_backend_pid()
         AND a.application_name IS DISTINCT FROM 'pg-runbooks'
         AND NOT coalesce((SELECT r.rolsuper FROM pg_roles r WHERE r.oid = a.usesysid), false)
      """;

  private SessionSql() {}

  /** A statement with its parameters. */
  record Query(String sql, List<Object> params) {
    PreparedStatement prepare(Connection c) throws SQLException {
      PreparedStatement st = c.prepareStatement(sql);
      for (int i = 0; i < params.size(); i++) {
        st.setObject(i + 1, params.get(i));
      }
      return st;
    }
  }

  /** {@code SELECT <columns> FROM (sessions) s WHERE <criteria> <tail>}; {@code tailParams} bind in the tail. */
  static Query select(Criteria c, String columns, String tail, Object... tailParams) {
    List<Object> params = new ArrayList<>();
    StringBuilder where = new StringBuilder("TRUE");
    if (c.database() != null) {
      where.append(" AND s.datname = ?");
      params.add(c.database());
    }
    if (c.idleInTransactionSeconds() != null) {
      where.append(" AND s.state IN ('idle in transaction', 'idle in transaction (aborted)') AND s.state_seconds >= ?");
      params.add(c.idleInTransactionSeconds());
    }
    if (c.blockingSeconds() != null) {
      where.append(" AND s.blocks > 0 AND s.blocking_seconds >= ?");
      params.add(c.blockingSeconds());
    }
    if (c.runningSeconds() != null) {
      where.append(" AND s.state = 'active' AND s.state_seconds >= ?");
      params.add(c.runningSeconds());
    }
    if (c.user() != null) {
      where.append(" AND s.usename = ?");
      params.add(c.user());
    }
    if (c.application() != null) {
      where.append(" AND s.application_name = ?");
      params.add(c.application());
    }
    if (c.queryLike() != null) {
      where.append(" AND s.full_query LIKE ?");
      params.add(c.queryLike());
    }
    params.addAll(List.of(tailParams));
    return new Query("SELECT " + columns + " FROM (" + SESSIONS + ") s WHERE " + where + " " + tail, params);
  }
}
