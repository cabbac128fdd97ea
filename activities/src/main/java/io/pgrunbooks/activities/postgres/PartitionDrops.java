package io.pgrunbooks.activities.postgres;

import static io.pgrunbooks.activities.ActivitySupport.heartbeat;
import static io.pgrunbooks.activities.ActivitySupport.pause;

import io.pgrunbooks.activities.postgres.PartitionCatalog.Relation;
import io.pgrunbooks.catalog.PartitionCatalogReader.Parent;
import io.pgrunbooks.config.PartitionPolicyConfig;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.DropPartitionsInput;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.PartitionCount;
import io.pgrunbooks.workflows.partitionmaintenance.Intervals;
import io.pgrunbooks.workflows.partitionmaintenance.PartitionPlanner;
import io.pgrunbooks.workflows.partitionmaintenance.PartitionSql;
import io.temporal.failure.ApplicationFailure;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The dropping side of {@link PostgresPartitionActivitiesImpl}: every approved partition re-checked under its
 * ACCESS EXCLUSIVE lock (still a partition of the parent, same bounds, expired now, exact rows and content hash as
 * approved) before DROP, under lock_timeout with retries.
 */
final class PartitionDrops {
  private final Clock clock;

  PartitionDrops(Clock clock) {
    this.clock = clock;
  }

  /** Drops the approved partitions of one table, each in its own transaction (see {@link #dropOne}). */
  void drop(Connection c, PartitionPolicyConfig policy, DropPartitionsInput input, List<String> dropped,
                    List<String> gone) throws SQLException {
    Parent parent = PartitionCatalog.parent(c, policy.table());
    for (PartitionCount p : input.partitions()) {
      heartbeat("dropping " + p.name());
      String[] parts = PartitionCatalog.split(p.name());
      boolean done = withLockRetry(c, input.lockTimeoutMillis(), input.lockAttempts(), "drop " + p.name(), st -> {
        c.setAutoCommit(false);
        try {
          boolean result = dropOne(c, st, policy, parent, p, parts);
          c.commit();
          return result;
        } catch (SQLException | RuntimeException e) {
          c.rollback();
          throw e;
        } finally {
          c.setAutoCommit(true);
        }
      });
      (done ? dropped : gone).add(p.name());
    }
  }

  /**
   * Drops the approved partitions of one table in one transaction: every partition re-checked under its lock as in
   * {@link #dropOne}; one refusal rolls back the table's drops (nothing of it dropped); a lock not granted retries
   * the whole table.
   */
  void dropInOneTransaction(Connection c, PartitionPolicyConfig policy, DropPartitionsInput input,
                                    List<String> dropped, List<String> gone) throws SQLException {
    Parent parent = PartitionCatalog.parent(c, policy.table());
    heartbeat("dropping " + input.partitions().size() + " partitions of " + policy.table());
    withLockRetry(c, input.lockTimeoutMillis(), input.lockAttempts(), "drop partitions of " + policy.table(), st -> {
      List<String> d = new ArrayList<>();
      List<String> g = new ArrayList<>();
      c.setAutoCommit(false);
      try {
        for (PartitionCount p : input.partitions()) {
          (dropOne(c, st, policy, parent, p, PartitionCatalog.split(p.name())) ? d : g).add(p.name());
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
      dropped.addAll(d);
      gone.addAll(g);
      return null;
    });
  }

  /** Inside the dropping transaction, with the partition locked: every rule again, then DROP. */
  private boolean dropOne(Connection c, Statement st, PartitionPolicyConfig policy, Parent parent, PartitionCount p,
                          String[] parts) throws SQLException {
    Relation r = PartitionCatalog.relation(c, parts[0], parts[1]);
    if (r == null) {
      return false;
    }
    requirePartitionOf(r, parent, p.name());
    st.execute("LOCK TABLE " + PartitionSql.qualified(p.name()) + " IN ACCESS EXCLUSIVE MODE");
    String[] b = PartitionCatalog.bounds(r.bound());
    if (!Objects.equals(b[0], p.from()) || !Objects.equals(b[1], p.to())) {
      throw PostgresPartitionActivitiesImpl.refused(p.name() + " now has bounds " + r.bound() + ", not the approved [" + p.from() + ", " + p.to() + ")");
    }
    Instant now = clock.instant();
    Instant cutoff = cutoff(policy, now);
    if (cutoff == null || b[1] == null || Instant.parse(b[1]).isAfter(cutoff)) {
      throw PostgresPartitionActivitiesImpl.refused(p.name() + " (upper bound " + b[1] + ") is not expired under retention " + policy.retention()
          + (policy.minRetention() == null ? "" : " and minRetention " + policy.minRetention()) + " at " + now);
    }
    if (p.sha256() != null) {
      ContentHash.Result content = ContentHash.of(c, PartitionSql.qualified(p.name()));
      if (content.rows() != p.rows()) {
        throw PostgresPartitionActivitiesImpl.refused(p.name() + " holds " + content.rows() + " rows, not the approved " + p.rows() + "; nothing was dropped");
      }
      if (!content.sha256().equals(p.sha256())) {
        throw PostgresPartitionActivitiesImpl.refused(p.name() + " holds the approved " + p.rows() + " rows but its content changed since the approval"
            + " (CSV SHA-256 " + content.sha256() + ", approved " + p.sha256() + "); nothing was dropped");
      }
    } else {
      // Evidence recorded before content hashes existed (a run started on older code): the count is all it has.
      try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + PartitionSql.qualified(p.name()))) {
        rs.next();
        if (rs.getLong(1) != p.rows()) {
          throw PostgresPartitionActivitiesImpl.refused(p.name() + " holds " + rs.getLong(1) + " rows, not the approved " + p.rows());
        }
      }
    }
    st.execute(PartitionSql.drop(p.name()));
    return true;
  }

  /** The earliest of now − retention, now − minRetention and the current interval's start; null without retention. */
  static Instant cutoff(PartitionPolicyConfig policy, Instant now) {
    if (policy.retention() == null) {
      return null;
    }
    Instant cutoff = PartitionPlanner.before(now, PostgresPartitionActivitiesImpl.period(policy.retentionSpec()));
    Instant floor = PartitionPlanner.before(now, PostgresPartitionActivitiesImpl.period(policy.minRetentionSpec()));
    Instant current = Intervals.instant(Intervals.floor(policy.interval(), now));
    if (floor != null && floor.isBefore(cutoff)) {
      cutoff = floor;
    }
    return current.isBefore(cutoff) ? current : cutoff;
  }

  static void requirePartitionOf(Relation r, Parent parent, String name) {
    if (r.parentOid() != parent.oid() || r.bound() == null) {
      throw PostgresPartitionActivitiesImpl.refused(name + " is not a partition of " + parent.table() + "; refused");
    }
    if ("DEFAULT".equals(r.bound())) {
      throw PostgresPartitionActivitiesImpl.refused(name + " is the default partition of " + parent.table() + "; it is never dropped");
    }
  }

  @FunctionalInterface
  interface SqlWork<T> {
    T run(Statement st) throws SQLException;
  }

  /** Runs {@code work} under lock_timeout; a lock not granted is retried with backoff, never waited on forever. */
  static <T> T withLockRetry(Connection c, long lockTimeoutMillis, int attempts, String what, SqlWork<T> work)
      throws SQLException {
    int tries = Math.max(1, attempts);
    for (int attempt = 1; ; attempt++) {
      try (Statement st = c.createStatement()) {
        st.execute("SET lock_timeout = " + Math.max(1, lockTimeoutMillis));
        return work.run(st);
      } catch (SQLException e) {
        if (!"55P03".equals(e.getSQLState())) {
          throw e;
        }
        if (attempt >= tries) {
          throw ApplicationFailure.newFailure(what + ": lock not granted within " + lockTimeoutMillis + " ms on "
              + tries + " attempts (another transaction holds it); nothing changed for it", PostgresPartitionActivitiesImpl.LOCK_TIMEOUT);
        }
        heartbeat(what + ": lock busy, attempt " + attempt + " of " + tries);
        pause(Math.min(5_000, 200L * attempt * attempt), PostgresPartitionActivitiesImpl.LOCK_TIMEOUT);
      }
    }
  }
}
