package io.pgrunbooks.activities.postgres;

import io.pgrunbooks.activities.Lookups;
import io.pgrunbooks.config.ClusterConfig;
import io.pgrunbooks.config.NodeConfig;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.workflows.activities.SessionActivities;
import io.temporal.failure.ApplicationFailure;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** {@link SessionActivities} over PgJDBC on the current primary. */
public class SessionActivitiesImpl implements SessionActivities {
  /** How long {@code pg_terminate_backend} waits for the session to end. */
  static final long TERMINATE_WAIT_MS = 5000;

  private final RunbooksConfig config;
  private final ConnectionFactory connections;

  public SessionActivitiesImpl(RunbooksConfig config, ConnectionFactory connections) {
    this.config = config;
    this.connections = connections;
  }

  @Override
  public List<Session> findSessions(Criteria criteria) {
    SessionSql.Query q = SessionSql.select(criteria, "s.*", "ORDER BY s.blocks DESC, s.pid LIMIT " + criteria.limit());
    try (Primary p = open(criteria); PreparedStatement st = q.prepare(p.connection()); ResultSet rs = st.executeQuery()) {
      List<Session> out = new ArrayList<>();
      while (rs.next()) {
        out.add(new Session(rs.getInt("pid"), rs.getLong("start_us"), rs.getString("started"), rs.getString("datname"),
            rs.getString("usename"), rs.getString("application_name"), rs.getString("client"), rs.getString("state"),
            rs.getString("query"), rs.getLong("state_seconds"), rs.getLong("xact_seconds"), rs.getInt("blocks"),
            rs.getLong("blocking_seconds")));
      }
      return out;
    } catch (SQLException e) {
      throw ApplicationFailure.newFailure("reading sessions of " + criteria.cluster() + " failed: " + e.getMessage(),
          "SqlError");
    }
  }

  @Override
  public Outcome signalSession(Signal signal) {
    String call = signal.action() == Action.CANCEL ? "pg_cancel_backend(s.pid)"
        : "pg_terminate_backend(s.pid, " + TERMINATE_WAIT_MS + ")";
    // The identity and the criteria are checked in the same statement that sends the signal.
    SessionSql.Query q = SessionSql.select(signal.criteria(), call + " AS done",
        "AND s.pid = ? AND s.start_us = ?", signal.pid(), signal.backendStartMicros());
    try (Primary p = open(signal.criteria())) {
      try (PreparedStatement st = q.prepare(p.connection()); ResultSet rs = st.executeQuery()) {
        if (rs.next()) {
          boolean done = rs.getBoolean("done");
          return signal.action() == Action.CANCEL ? Outcome.CANCELLED
              : done ? Outcome.TERMINATED : Outcome.TERMINATE_PENDING;
        }
      }
      try (PreparedStatement st = p.connection().prepareStatement("SELECT 1 FROM pg_stat_activity WHERE pid = ? AND "
          + SessionSql.START_MICROS + " = ?")) {
        st.setInt(1, signal.pid());
        st.setLong(2, signal.backendStartMicros());
        try (ResultSet rs = st.executeQuery()) {
          return rs.next() ? Outcome.NO_LONGER_MATCHES : Outcome.GONE;
        }
      }
    } catch (SQLException e) {
      throw ApplicationFailure.newFailure("signalling pid " + signal.pid() + " failed: " + e.getMessage(), "SqlError");
    }
  }

  @Override
  public ConnectionBudget connectionBudget(String cluster) {
    ClusterConfig c = Lookups.cluster(config, cluster);
    try (Primary p = Primary.open(config, connections, cluster, "postgres");
         PreparedStatement st = p.connection().prepareStatement("SELECT current_setting('max_connections')::int, "
             + "current_setting('superuser_reserved_connections')::int, current_setting('max_wal_senders')::int");
         ResultSet rs = st.executeQuery()) {
      rs.next();
      NodeConfig n = Lookups.node(c, cluster, p.node());
      return new ConnectionBudget(c.pgbouncer() == null ? null : c.pgbouncer().node(), p.node(), n.host(), n.port(),
          rs.getInt(1), rs.getInt(2), rs.getInt(3));
    } catch (SQLException e) {
      throw ApplicationFailure.newFailure("reading the connection budget of " + cluster + " failed: " + e.getMessage(),
          "SqlError");
    }
  }

  private Primary open(Criteria c) {
    Lookups.cluster(config, c.cluster());
    return Primary.open(config, connections, c.cluster(), c.database() == null ? "postgres" : c.database());
  }
}
