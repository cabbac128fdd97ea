package io.pgrunbooks.activities.postgres;

import static io.pgrunbooks.activities.ActivitySupport.firstLine;

import io.pgrunbooks.activities.Lookups;
import io.pgrunbooks.activities.pgbouncer.BouncerConnections;
import io.pgrunbooks.activities.pgbouncer.PoolFactsReader;
import io.pgrunbooks.activities.postgres.ConnectionFactory.NodeConnectException;
import io.pgrunbooks.config.ClusterConfig;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.workflows.activities.HealthDetailActivities;
import io.pgrunbooks.workflows.activities.HealthFactsInput;
import io.pgrunbooks.workflows.activities.HealthDetailActivities.IndexBloat;
import io.pgrunbooks.workflows.activities.HealthDetailActivities.InvalidIndex;
import io.pgrunbooks.workflows.activities.HealthDetailActivities.TableXid;
import io.temporal.failure.ApplicationFailure;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** {@link HealthDetailActivities} over PgJDBC on the central worker, credentials from the worker's config. */
public class HealthDetailActivitiesImpl implements HealthDetailActivities {
  /** Per-database facts are read from at most this many databases, the oldest tables kept overall. */
  static final int MAX_DATABASES = 20;
  static final int OLDEST_TABLES = 5;

  private final RunbooksConfig config;
  private final ConnectionFactory connections;
  private final BouncerConnections bouncer;

  public HealthDetailActivitiesImpl(RunbooksConfig config, ConnectionFactory connections, Map<String, String> env) {
    this.config = config;
    this.connections = connections;
    this.bouncer = new BouncerConnections(config, env);
  }

  @Override
  public DetailFacts collectDetailFacts(HealthFactsInput input) {
    ClusterConfig cluster = Lookups.cluster(config, input.cluster());
    Lookups.node(cluster, input.cluster(), input.node());
    int topN = cluster.health().detail().bloatTopN();
    try (Connection c = connections.open(input.cluster(), input.node(), "postgres")) {
      boolean primary;
      try (PreparedStatement ps = c.prepareStatement("SELECT NOT pg_is_in_recovery()"); ResultSet rs = ps.executeQuery()) {
        rs.next();
        primary = rs.getBoolean(1);
      }
      var sessions = DetailFactsReader.sessions(c);
      var databases = DetailFactsReader.databaseXids(c);
      var slots = DetailFactsReader.slots(c);
      Long wal = DetailFactsReader.walBytes(c);
      var archiver = DetailFactsReader.archiver(c);
      if (!primary && !"always".equals(archiver.archiveMode())) {
        // A standby archives only with archive_mode = always; its zero counters would say nothing.
        archiver = null;
      }
      List<String> notes = new ArrayList<>();
      if (wal == null) {
        notes.add("pg_wal size not read: the runbooks' user needs pg_monitor for pg_ls_waldir()");
      }
      var invalid = new ArrayList<InvalidIndex>();
      var bloat = new ArrayList<IndexBloat>();
      List<TableXid> oldest = new ArrayList<>();
      if (primary) {
        perDatabase(input, databasesOf(c), topN, oldest, invalid, bloat, notes);
      }
      oldest.sort(Comparator.comparingLong(TableXid::xidAge).reversed());
      return new DetailFacts(input.node(), null, primary, sessions, databases,
          List.copyOf(oldest.subList(0, Math.min(OLDEST_TABLES, oldest.size()))), slots, wal, archiver,
          List.copyOf(invalid), List.copyOf(bloat), List.copyOf(notes));
    } catch (NodeConnectException e) {
      return DetailFacts.failed(input.node(), e.getMessage());
    } catch (SQLException e) {
      if (ConnectionFactory.lostConnection(e)) {
        return DetailFacts.failed(input.node(), "connection lost: " + firstLine(e.getMessage()));
      }
      throw ApplicationFailure.newFailure("morning-page queries on " + input.node() + " failed: "
          + firstLine(e.getMessage()), PostgresActivitiesImpl.SQL_ERROR);
    }
  }

  private void perDatabase(HealthFactsInput input, List<String> names, int topN, List<TableXid> oldest,
                           List<InvalidIndex> invalid, List<IndexBloat> bloat, List<String> notes) throws SQLException {
    List<String> withoutHypopg = new ArrayList<>();
    for (String db : names) {
      try (Connection c = connections.open(input.cluster(), input.node(), db)) {
        oldest.addAll(DetailFactsReader.oldestTables(c, db, OLDEST_TABLES));
        invalid.addAll(DetailFactsReader.invalidIndexes(c, db));
        if (topN > 0 && !IndexCatalog.installed(c, "hypopg")) {
          withoutHypopg.add(db);
        } else {
          bloat.addAll(DetailFactsReader.bloat(c, db, topN));
        }
      } catch (NodeConnectException e) {
        notes.add("database " + db + " not inspected: " + e.getMessage());
      } catch (SQLException e) {
        if (ConnectionFactory.lostConnection(e)) {
          throw e;
        }
        // One database we may not read (permissions, a dropped extension) must not hide the others.
        notes.add("database " + db + " not inspected: " + firstLine(e.getMessage()));
      }
    }
    if (!withoutHypopg.isEmpty()) {
      notes.add("no index bloat estimate in " + String.join(", ", withoutHypopg)
          + " (CREATE EXTENSION hypopg there; apt-get install -y postgresql-15-hypopg)");
    }
  }

  private static List<String> databasesOf(Connection c) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT datname FROM pg_database WHERE datallowconn AND NOT"
        + " datistemplate ORDER BY datname LIMIT " + MAX_DATABASES); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  @Override
  public PoolFacts collectPoolFacts(PoolFactsInput input) {
    ClusterConfig cluster = Lookups.cluster(config, input.cluster());
    if (cluster.pgbouncer() == null) {
      return new PoolFacts(false, null, List.of());
    }
    try (Connection c = bouncer.admin(input.cluster(), 30)) {
      return new PoolFacts(true, null, PoolFactsReader.read(c));
    } catch (SQLException e) {
      // PgBouncer down is what the morning page is for: a finding, not a failed activity.
      return new PoolFacts(true, firstLine(e.getMessage()), List.of());
    }
  }
}
