package io.pgrunbooks.activities.postgres;

import static io.pgrunbooks.activities.ActivitySupport.heartbeat;
import static io.pgrunbooks.activities.ActivitySupport.pause;

import io.pgrunbooks.activities.postgres.PartitionCatalog.Relation;
import io.pgrunbooks.activities.postgres.PartitionCatalog.Sized;
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
import java.util.Map;
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
      boolean done = withLockRetry(c, input.lockTimeoutMillis(), input.lockAttempts(), "drop " + p.name(),
          st -> inTransaction(c, t -> dropOne(c, st, policy, parent, p, parts)));
      (done ? dropped : gone).add(p.name());
    }
  }

  /**
   * Drops the approved partitions of one table in one transaction: the catalog read once for all of them (refusing
   * anything that is not a partition of the parent before locking it), every present one locked in one {@code LOCK}
   * statement, the catalog read again under those locks, every rule of {@link #check} re-checked per partition, then
   * one {@code DROP TABLE} of all of them (the parent's ACCESS EXCLUSIVE lock, which a partition's DROP takes, is
   * held only from then to the commit, not during the hashes). One refusal rolls back the table's drops (nothing of
   * it dropped); a lock not granted retries the whole table; a crash anywhere rolls the whole table back.
   */
  void dropInOneTransaction(Connection c, PartitionPolicyConfig policy, DropPartitionsInput input,
                            List<String> dropped, List<String> gone) throws SQLException {
    Parent parent = PartitionCatalog.parent(c, policy.table());
    List<String> names = input.partitions().stream().map(PartitionCount::name).toList();
    heartbeat("dropping " + names.size() + " partitions of " + policy.table());
    for (int tries = 1; ; tries++) {
      try {
        dropAll(c, policy, input, parent, names, dropped, gone);
        return;
      } catch (SQLException e) {
        // 42P01: a partition read before its LOCK was dropped meanwhile by someone else; read the catalog again.
        if (!"42P01".equals(e.getSQLState()) || tries >= 3) {
          throw e;
        }
      }
    }
  }

  private void dropAll(Connection c, PartitionPolicyConfig policy, DropPartitionsInput input, Parent parent,
                       List<String> names, List<String> dropped, List<String> gone) throws SQLException {
    withLockRetry(c, input.lockTimeoutMillis(), input.lockAttempts(), "drop partitions of " + policy.table(), st -> {
      List<String> d = new ArrayList<>();
      List<String> g = new ArrayList<>();
      inTransaction(c, t -> {
        Map<String, Sized> seen = PartitionCatalog.relations(c, names);
        List<String> present = names.stream().filter(seen::containsKey).toList();
        for (String name : present) {
          requirePartitionOf(seen.get(name).relation(), parent, name);
        }
        if (!present.isEmpty()) {
          // A partition dropped by someone else since the read above fails this LOCK (42P01): read again by the caller.
          st.execute("LOCK TABLE " + quoted(present) + " IN ACCESS EXCLUSIVE MODE");
        }
        Map<String, Sized> locked = present.isEmpty() ? Map.of() : PartitionCatalog.relations(c, present);
        Instant now = clock.instant();
        if (input.partitions().stream().anyMatch(p -> p.sha256() != null && locked.containsKey(p.name()))) {
          ContentHash.canonicalSettings(c);
        }
        for (PartitionCount p : input.partitions()) {
          Sized r = locked.get(p.name());
          if (r == null) {
            g.add(p.name());
            continue;
          }
          check(c, st, policy, parent, p, r.relation(), now);
          d.add(p.name());
        }
        if (!d.isEmpty()) {
          st.execute("DROP TABLE " + quoted(d));
        }
        return null;
      });
      dropped.addAll(d);
      gone.addAll(g);
      return null;
    });
  }

  private static String quoted(List<String> names) {
    return String.join(", ", names.stream().map(PartitionSql::qualified).toList());
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
    if (p.sha256() != null) {
      ContentHash.canonicalSettings(c);
    }
    check(c, st, policy, parent, p, r, clock.instant());
    st.execute(PartitionSql.drop(p.name()));
    return true;
  }

  /**
   * Every rule of a drop, for a partition locked in the caller's transaction ({@code r} read from the catalog; with
   * an approved hash, the transaction's {@link ContentHash#canonicalSettings} applied): a partition of the parent,
   * not its default, the approved bounds, expired at {@code now} under the config's policy of this moment, exactly
   * the approved rows with the approved content hash (or the approved count for evidence recorded before hashes).
   */
  private static void check(Connection c, Statement st, PartitionPolicyConfig policy, Parent parent, PartitionCount p,
                            Relation r, Instant now) throws SQLException {
    requirePartitionOf(r, parent, p.name());
    String[] b = PartitionCatalog.bounds(r.bound());
    if (!Objects.equals(b[0], p.from()) || !Objects.equals(b[1], p.to())) {
      throw PostgresPartitionActivitiesImpl.refused(p.name() + " now has bounds " + r.bound() + ", not the approved [" + p.from() + ", " + p.to() + ")");
    }
    Instant cutoff = cutoff(policy, now);
    if (cutoff == null || b[1] == null || Instant.parse(b[1]).isAfter(cutoff)) {
      throw PostgresPartitionActivitiesImpl.refused(p.name() + " (upper bound " + b[1] + ") is not expired under retention " + policy.retention()
          + (policy.minRetention() == null ? "" : " and minRetention " + policy.minRetention()) + " at " + now);
    }
    if (p.sha256() != null) {
      ContentHash.Result content = ContentHash.ofCanonical(c, PartitionSql.qualified(p.name()));
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

  /** Runs {@code work} in one transaction on {@code c}: committed when it returns, rolled back when it throws. */
  static <T> T inTransaction(Connection c, SqlWork<T> work) throws SQLException {
    c.setAutoCommit(false);
    try (Statement st = c.createStatement()) {
      T result = work.run(st);
      c.commit();
      return result;
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
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
