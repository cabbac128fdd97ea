package io.pgrunbooks.activities.postgres;

import io.pgrunbooks.activities.Lookups;
import io.pgrunbooks.config.ClusterConfig;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.workflows.pitr.PitrClusterActivities;
import io.temporal.failure.ApplicationFailure;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** {@link PitrClusterActivities} over PgJDBC: reads the primary, never writes. */
public class PitrClusterActivitiesImpl implements PitrClusterActivities {
  private final RunbooksConfig config;
  private final ConnectionFactory connections;

  public PitrClusterActivitiesImpl(RunbooksConfig config, ConnectionFactory connections) {
    this.config = config;
    this.connections = connections;
  }

  @Override
  public InPlaceFacts inPlaceFacts(InPlaceFactsCall call) {
    ClusterConfig c = Lookups.cluster(config, call.cluster());
    String bouncerNode = c.pgbouncer() == null ? null : c.pgbouncer().node();
    if (c.pgbouncer() != null && bouncerNode == null) {
      throw Lookups.config("clusters." + call.cluster() + ".pgbouncer needs node for into: inPlace: the agent of "
          + "that node pauses PgBouncer while the primary is restored");
    }
    try (Connection conn = connections.open(call.cluster(), call.primary(), "postgres");
         Statement s = conn.createStatement();
         ResultSet rs = s.executeQuery("SELECT pg_current_wal_lsn()::text, pg_current_wal_lsn() - '0/0'::pg_lsn, "
             + "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), "
             + "substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8)")) {
      rs.next();
      return new InPlaceFacts(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4), bouncerNode);
    } catch (SQLException | ConnectionFactory.NodeConnectException e) {
      throw ApplicationFailure.newFailure("cannot read the WAL position of " + call.primary() + ": " + e.getMessage(),
          "PrimaryUnreachable");
    }
  }
}
