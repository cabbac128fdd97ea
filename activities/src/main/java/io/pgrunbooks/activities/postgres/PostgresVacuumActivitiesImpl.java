package io.pgrunbooks.activities.postgres;

import static io.pgrunbooks.activities.ActivitySupport.firstLine;
import static io.pgrunbooks.activities.ActivitySupport.heartbeat;
import static io.pgrunbooks.activities.ActivitySupport.pause;

import io.pgrunbooks.activities.Lookups;
import io.pgrunbooks.config.NodeConfig;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.workflows.activities.VacuumActivities;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** {@link VacuumActivities} over PgJDBC: statistics and VACUUM on the current primary, lag on each replica. */
public class PostgresVacuumActivitiesImpl implements VacuumActivities {
  /** VACUUM waits for a conflicting lock (DDL, another VACUUM) at most this long per attempt. */
  static final String LOCK_TIMEOUT = "30s";

  private final RunbooksConfig config;
  private final ConnectionFactory connections;

  public PostgresVacuumActivitiesImpl(RunbooksConfig config, ConnectionFactory connections) {
    this.config = config;
    this.connections = connections;
  }

  @Override
  public VacuumFacts inspectVacuum(VacuumTarget target) {
    try (Primary p = Primary.open(config, connections, target.cluster(), target.database())) {
      Connection c = p.connection();
      List<TableStats> tables = VacuumSql.stats(c, target.tables() == null ? List.of() : target.tables());
      return new VacuumFacts(p.node(), VacuumSql.nowMillis(c), VacuumSql.freezeMaxAge(c), tables);
    } catch (SQLException e) {
      throw ApplicationFailure.newFailure("reading table statistics failed: " + firstLine(e.getMessage()),
          PostgresActivitiesImpl.SQL_ERROR);
    }
  }

  @Override
  public TableVacuum vacuumTable(VacuumTableInput in) {
    String app = VacuumSql.applicationName(in.table());
    try (Primary p = Primary.open(config, connections, in.cluster(), in.database());
         Connection watch = connections.open(in.cluster(), p.node(), in.database())) {
      Connection c = p.connection();
      TableStats before = VacuumSql.one(c, in.table());
      if (before == null) {
        return new TableVacuum(in.table(), null, 0, 0, 0, 0, 0, 0, 0, true);
      }
      endEarlierAttempt(c, app);
      String[] parts = before.table().split("\\.", 2);
      String statement = (in.analyzeOnly() ? "ANALYZE " : in.freeze() ? "VACUUM (FREEZE, ANALYZE) "
          : "VACUUM (ANALYZE) ") + Identifiers.quote(parts[0], parts[1]);
      try (Statement st = c.createStatement()) {
        st.execute("SET application_name = '" + app.replace("'", "''") + "'");
        // A worker that dies mid-VACUUM: its backend notices the closed socket and stops within seconds.
        st.execute("SET client_connection_check_interval = '2s'");
        st.execute("SET lock_timeout = '" + LOCK_TIMEOUT + "'");
      }
      long start = System.nanoTime();
      SQLException failure = runWatched(c, watch, app, statement);
      if (failure != null) {
        throw ApplicationFailure.newFailure(statement + " failed: " + firstLine(failure.getMessage()),
            "55P03".equals(failure.getSQLState()) ? PostgresIndexActivitiesImpl.LOCK_TIMEOUT
                : PostgresActivitiesImpl.SQL_ERROR);
      }
      long millis = (System.nanoTime() - start) / 1_000_000;
      TableStats after = VacuumSql.one(c, in.table());
      if (after == null) {
        return new TableVacuum(in.table(), statement, before.deadTuples(), 0, before.pages(), 0, 0, 0, millis, true);
      }
      return new TableVacuum(before.table(), statement, before.deadTuples(), after.deadTuples(), before.pages(),
          after.pages(), Math.max(0, before.pages() - after.pages()), after.xidAge(), millis, false);
    } catch (ConnectionFactory.NodeConnectException e) {
      throw ApplicationFailure.newFailure("cannot watch the VACUUM of " + in.table() + ": " + e.getMessage(),
          FailureTypes.UNREACHABLE);
    } catch (SQLException e) {
      throw ApplicationFailure.newFailure("VACUUM of " + in.table() + " failed: " + firstLine(e.getMessage()),
          PostgresActivitiesImpl.SQL_ERROR);
    }
  }

  /** A crashed worker's VACUUM may still hold the table's lock until its backend notices; end it so the retry runs. */
  private static void endEarlierAttempt(Connection c, String app) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
        + " WHERE application_name = ? AND pid <> pg_backend_pid()")) {
      ps.setString(1, app);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          pause(1000, PostgresIndexActivitiesImpl.LOCK_TIMEOUT);
        }
      }
    }
  }

  /** Runs {@code statement} on {@code c}, heartbeating its progress read on {@code watch}; its error or null. */
  private static SQLException runWatched(Connection c, Connection watch, String app, String statement)
      throws SQLException {
    ExecutorService runner = Executors.newSingleThreadExecutor();
    try (Statement vacuum = c.createStatement()) {
      Future<?> f = runner.submit(() -> {
        vacuum.execute(statement);
        return null;
      });
      heartbeat("started " + statement);
      while (true) {
        try {
          f.get(2, TimeUnit.SECONDS);
          return null;
        } catch (TimeoutException stillRunning) {
          String progress = VacuumSql.progress(watch, app);
          try {
            heartbeat(progress == null ? statement + ": running" : progress);
          } catch (RuntimeException cancelled) {
            // The window ended (or the run was cancelled): stop the statement before giving up the attempt.
            vacuum.cancel();
            waitQuietly(f);
            throw cancelled;
          }
        } catch (ExecutionException e) {
          if (e.getCause() instanceof SQLException sql) {
            return sql;
          }
          throw new IllegalStateException("VACUUM failed", e.getCause());
        } catch (InterruptedException e) {
          vacuum.cancel();
          Thread.currentThread().interrupt();
          throw ApplicationFailure.newFailure("interrupted during " + statement, PostgresIndexActivitiesImpl.LOCK_TIMEOUT);
        }
      }
    } finally {
      runner.shutdownNow();
    }
  }

  private static void waitQuietly(Future<?> f) {
    try {
      f.get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException expected) {
      // the cancelled statement's error
    }
  }

  @Override
  public String vacuumProgress(VacuumTableInput in) {
    try (Primary p = Primary.open(config, connections, in.cluster(), in.database())) {
      return VacuumSql.progress(p.connection(), VacuumSql.applicationName(in.table()));
    } catch (SQLException e) {
      throw ApplicationFailure.newFailure("reading the VACUUM progress failed: " + firstLine(e.getMessage()),
          PostgresActivitiesImpl.SQL_ERROR);
    }
  }

  @Override
  public List<ReplicaLag> replicaLag(VacuumTarget target) {
    List<ReplicaLag> out = new ArrayList<>();
    for (NodeConfig n : Lookups.cluster(config, target.cluster()).nodes()) {
      try (Connection c = connections.open(target.cluster(), n.name(), target.database());
           Statement st = c.createStatement();
           // Lag as the replica sees it: WAL received but not replayed, aged by the last replayed commit.
           ResultSet rs = st.executeQuery("SELECT pg_is_in_recovery(), CASE WHEN pg_last_wal_receive_lsn() IS NULL"
               + " OR pg_last_wal_receive_lsn() <= pg_last_wal_replay_lsn() THEN 0 ELSE extract(epoch FROM"
               + " clock_timestamp() - pg_last_xact_replay_timestamp()) END")) {
        rs.next();
        if (!rs.getBoolean(1)) {
          continue;
        }
        double seconds = rs.getDouble(2);
        out.add(rs.wasNull() ? new ReplicaLag(n.name(), -1, "WAL waits for replay but no transaction was replayed"
            + " since the replica started") : new ReplicaLag(n.name(), Math.max(0, seconds), null));
      } catch (ConnectionFactory.NodeConnectException | SQLException e) {
        out.add(new ReplicaLag(n.name(), -1, firstLine(e.getMessage())));
      }
    }
    return out;
  }
}
