package io.pgrunbooks.activities.pgbouncer;

import io.pgrunbooks.activities.ActivitySupport;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.workflows.activities.PgBouncerStatsActivities;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@link PgBouncerStatsActivities} over the admin console of the cluster's PgBouncer, on the central worker. */
public class PgBouncerStatsActivitiesImpl implements PgBouncerStatsActivities {
  private static final String ADMIN_DB = "pgbouncer";
  private final BouncerConnections bouncer;

  public PgBouncerStatsActivitiesImpl(RunbooksConfig config, Map<String, String> env) {
    this.bouncer = new BouncerConnections(config, env);
  }

  @Override
  public List<PoolStats> bouncerPoolStats(String cluster) {
    bouncer.of(cluster); // unknown cluster or no PgBouncer: a clear non-retryable failure before connecting
    Map<String, long[]> pools = new LinkedHashMap<>();
    Map<String, String[]> databases = new LinkedHashMap<>();
    try (Connection c = bouncer.admin(cluster, 30); Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SHOW DATABASES")) {
        while (rs.next()) {
          String name = rs.getString("name");
          if (!ADMIN_DB.equals(name) && !"*".equals(name)) {
            databases.put(name, new String[] {rs.getString("database"), Integer.toString(rs.getInt("pool_size"))});
          }
        }
      }
      try (ResultSet rs = s.executeQuery("SHOW POOLS")) {
        while (rs.next()) {
          long[] sum = pools.computeIfAbsent(rs.getString("database"), k -> new long[6]);
          sum[0] += rs.getInt("cl_active");
          sum[1] += rs.getInt("cl_waiting");
          sum[2] += rs.getInt("sv_active");
          sum[3] += rs.getInt("sv_idle");
          sum[4] += rs.getInt("sv_used") + rs.getInt("sv_tested") + rs.getInt("sv_login");
          sum[5] = Math.max(sum[5], rs.getLong("maxwait") * 1000 + rs.getLong("maxwait_us") / 1000);
        }
      }
    } catch (SQLException e) {
      throw ApplicationFailure.newFailure("PgBouncer SHOW POOLS/DATABASES failed: "
          + ActivitySupport.firstLine(e.getMessage()), FailureTypes.UNREACHABLE);
    }
    List<PoolStats> out = new ArrayList<>();
    databases.forEach((name, db) -> {
      long[] p = pools.getOrDefault(name, new long[6]);
      out.add(new PoolStats(name, db[0], Integer.parseInt(db[1]), (int) p[0], (int) p[1], (int) p[2], (int) p[3],
          (int) p[4], p[5]));
    });
    return out;
  }
}
