package io.pgrunbooks.activities.postgres;

import io.pgrunbooks.activities.Lookups;
import io.pgrunbooks.config.ClusterConfig;
import io.pgrunbooks.config.PgBackRestConfig;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.workflows.activities.ArchiveHealthActivities;
import io.pgrunbooks.workflows.activities.HealthDetailActivities.Archiver;
import io.temporal.failure.ApplicationFailure;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** HealthCheck's WAL archiving facts, read from the primary of a cluster with a {@code pgbackrest} section. */
public class ArchiveHealthActivitiesImpl implements ArchiveHealthActivities {
  // The .ready files are the segments PostgreSQL finished and archive_command has not taken yet: the oldest one's
  // age is the archive lag, and it stays 0 on an idle cluster (unlike the age of the last archived segment).
  private static final String READY = """
      SELECT count(*), floor(extract(epoch FROM clock_timestamp() - min(modification)))::bigint
        FROM pg_ls_archive_statusdir() WHERE name LIKE '%.ready'
      """;
  private static final String INSUFFICIENT_PRIVILEGE = "42501";

  private final RunbooksConfig config;
  private final ConnectionFactory connections;

  public ArchiveHealthActivitiesImpl(RunbooksConfig config, ConnectionFactory connections) {
    this.config = config;
    this.connections = connections;
  }

  @Override
  public ArchiveFacts collectArchiveFacts(String cluster) {
    ClusterConfig c = Lookups.cluster(config, cluster);
    PgBackRestConfig b = c.pgbackrest();
    if (b == null) {
      return ArchiveFacts.notConfigured();
    }
    ArchiveThresholds t = new ArchiveThresholds(b.archiveLagDegradedSeconds(), b.archiveLagUnhealthySeconds(),
        b.backupAgeDegradedHours(), b.backupAgeUnhealthyHours());
    try (Primary primary = Primary.open(config, connections, cluster, "postgres")) {
      Connection conn = primary.connection();
      Archiver a = DetailFactsReader.archiver(conn);
      int ready = -1;
      Long oldest = null;
      try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(READY)) {
        rs.next();
        ready = rs.getInt(1);
        long v = rs.getLong(2);
        oldest = rs.wasNull() ? null : v;
      } catch (SQLException e) {
        if (!INSUFFICIENT_PRIVILEGE.equals(e.getSQLState())) {
          throw e;
        }
      }
      return new ArchiveFacts(true, primary.node(), b.stanza(),
          (int) Math.min(Integer.MAX_VALUE, config.worker().agentStartTimeout().toSeconds()), a.archiveMode(),
          a.lastArchivedWal(), a.lastArchivedSecondsAgo(), a.failedCount(), a.lastFailedWal(),
          a.lastFailedSecondsAgo(), ready, oldest, t);
    } catch (SQLException e) {
      throw ApplicationFailure.newFailure("archive facts of " + cluster + " could not be read: " + e.getMessage(),
          "ArchiveFactsFailed");
    }
  }
}
