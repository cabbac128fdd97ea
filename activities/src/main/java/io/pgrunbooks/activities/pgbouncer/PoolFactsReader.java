package io.pgrunbooks.activities.pgbouncer;

import io.pgrunbooks.workflows.activities.HealthDetailActivities.PoolState;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** HealthCheck's view of PgBouncer's pools: {@code SHOW POOLS} joined with DATABASES, STATS and CLIENTS by name. */
public final class PoolFactsReader {
  private static final String CONSOLE = "pgbouncer";

  private PoolFactsReader() {}

  /** One state per pool ({@code database}, {@code user}), the admin console's own pseudo-database left out. */
  public static List<PoolState> read(Connection admin) throws SQLException {
    Map<String, Integer> poolSize = new HashMap<>();
    Map<String, Long> avgWait = new HashMap<>();
    Map<String, Integer> clients = new HashMap<>();
    try (Statement s = admin.createStatement()) {
      try (ResultSet rs = s.executeQuery("SHOW DATABASES")) {
        while (rs.next()) {
          poolSize.put(rs.getString("name"), rs.getInt("pool_size"));
        }
      }
      try (ResultSet rs = s.executeQuery("SHOW STATS")) {
        while (rs.next()) {
          avgWait.put(rs.getString("database"), rs.getLong("avg_wait_time"));
        }
      }
      try (ResultSet rs = s.executeQuery("SHOW CLIENTS")) {
        while (rs.next()) {
          clients.merge(rs.getString("database") + "/" + rs.getString("user"), 1, Integer::sum);
        }
      }
      List<PoolState> out = new ArrayList<>();
      try (ResultSet rs = s.executeQuery("SHOW POOLS")) {
        while (rs.next()) {
          String db = rs.getString("database");
          String user = rs.getString("user");
          if (CONSOLE.equals(db)) {
            continue;
          }
          int svActive = rs.getInt("sv_active");
          int servers = svActive + rs.getInt("sv_idle") + rs.getInt("sv_used") + rs.getInt("sv_tested")
              + rs.getInt("sv_login");
          out.add(new PoolState(db, user, rs.getInt("cl_active"), rs.getInt("cl_waiting"), servers, svActive,
              rs.getLong("maxwait"), poolSize.getOrDefault(db, 0), clients.getOrDefault(db + "/" + user, 0),
              avgWait.getOrDefault(db, 0L)));
        }
      }
      return out;
    }
  }
}
