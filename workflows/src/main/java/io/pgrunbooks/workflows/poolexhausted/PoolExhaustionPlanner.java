package io.pgrunbooks.workflows.poolexhausted;

import io.pgrunbooks.workflows.activities.PgBouncerStatsActivities.PoolStats;
import io.pgrunbooks.workflows.activities.SessionActivities.Session;
import io.pgrunbooks.workflows.terminatesessions.TerminateRules;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** PoolExhausted's decisions, pure (tested without Temporal, PostgreSQL or PgBouncer): which pool, which relief. */
public final class PoolExhaustionPlanner {
  /** What the run proposes. */
  public enum Relief { NONE, TERMINATE, RESIZE, NO_RELIEF }

  public static final Duration DEFAULT_IDLE = Duration.ofMinutes(1);
  public static final Duration DEFAULT_REVERT = Duration.ofHours(1);
  /** At most this many holders are proposed in one plan (the oldest first). */
  public static final int MAX_HOLDERS = 50;

  /**
   * A proposal.
   *
   * @param holders the sessions to end (TERMINATE), oldest idle first
   * @param idleSeconds the child's {@code idleInTransactionLongerThan}: the youngest proposed holder's idle time
   * @param newPoolSize the proposed {@code pool_size} (RESIZE), else the current one
   */
  public record Plan(Relief relief, String text, List<Session> holders, long idleSeconds, int poolSize,
                     int newPoolSize) {}

  private PoolExhaustionPlanner() {}

  /** Every problem of the input, empty when it is usable. */
  public static List<String> problems(PoolExhaustedInput in) {
    List<String> out = new ArrayList<>();
    if (in == null || in.cluster() == null || in.cluster().isBlank()) {
      out.add("cluster is required");
      return out;
    }
    if (in.database() != null && in.database().isBlank()) {
      out.add("database must not be blank");
    }
    duration(out, "idleInTransactionLongerThan", in.idleInTransactionLongerThan());
    duration(out, "revertAfter", in.revertAfter());
    return out;
  }

  public static Duration idle(PoolExhaustedInput in) {
    return in.idleInTransactionLongerThan() == null ? DEFAULT_IDLE : TerminateRules.parse(in.idleInTransactionLongerThan());
  }

  public static Duration revert(PoolExhaustedInput in) {
    return in.revertAfter() == null ? DEFAULT_REVERT : TerminateRules.parse(in.revertAfter());
  }

  /** The entry named {@code name}, or (no name) the one with the most waiting clients; null for an unknown name. */
  public static PoolStats choose(List<PoolStats> pools, String name) {
    if (name != null) {
      return pools.stream().filter(p -> p.name().equals(name.strip())).findFirst().orElse(null);
    }
    return pools.stream().max(Comparator.comparingInt(PoolStats::clientsWaiting)
        .thenComparingLong(PoolStats::maxWaitMillis)).orElse(null);
  }

  /** Sessions idle in transaction at least {@code min}: they hold a server connection and do nothing with it. */
  public static List<Session> holders(List<Session> sessions, Duration min) {
    return sessions.stream()
        .filter(s -> s.state() != null && s.state().startsWith("idle in transaction"))
        .filter(s -> s.stateSeconds() >= min.toSeconds())
        .sorted(Comparator.comparingLong(Session::stateSeconds).reversed().thenComparingInt(Session::pid))
        .limit(MAX_HOLDERS).toList();
  }

  /** Whether the plan depends on the primary's headroom: clients wait and there is no holder to end. */
  public static boolean needsHeadroom(PoolStats pool, List<Session> holders) {
    return pool.clientsWaiting() > 0 && holders.isEmpty();
  }

  /**
   * The relief: nothing when no client waits; end the holders when there are any (it frees the server connections
   * they sit on without touching PostgreSQL's limits); else a bigger pool by the number of waiting clients, within
   * {@code headroom} (pool plus {@code reservePool}), for {@code revert}; else nothing safe to propose.
   *
   * @param headroom connections of the primary this entry may use, null when unknown (no managed PgBouncer config)
   */
  public static Plan plan(PoolStats pool, List<Session> holders, Integer headroom, int reservePool, Duration revert) {
    int size = pool.poolSize();
    if (pool.clientsWaiting() <= 0) {
      return new Plan(Relief.NONE, "no client waits in pool '" + pool.name() + "': not exhausted; nothing to do",
          List.of(), 0, size, size);
    }
    if (!holders.isEmpty()) {
      long idle = holders.stream().mapToLong(Session::stateSeconds).min().orElseThrow();
      return new Plan(Relief.TERMINATE, "terminate " + holders.size() + " session(s) of database " + pool.database()
          + " idle in transaction for " + idle + " s or more (" + holders.stream().map(s -> s.pid() + "").toList()
          + "), which hold server connections of pool '" + pool.name() + "' while " + pool.clientsWaiting()
          + " client(s) wait", holders, idle, size, size);
    }
    if (headroom == null) {
      return new Plan(Relief.NO_RELIEF, "no session idle in transaction to end, and the pool size cannot be raised: "
          + "no clusters.<c>.pgbouncer.node/configFile to resize '" + pool.name() + "'", List.of(), 0, size, size);
    }
    int fits = headroom - reservePool;
    int wanted = size + pool.clientsWaiting();
    int proposed = Math.min(wanted, fits);
    if (proposed <= size) {
      return new Plan(Relief.NO_RELIEF, "no session idle in transaction to end, and pool '" + pool.name()
          + "' cannot grow: pool_size " + size + " + reserve_pool " + reservePool + " already uses the primary's "
          + "headroom of " + headroom, List.of(), 0, size, size);
    }
    return new Plan(Relief.RESIZE, "raise pool_size of '" + pool.name() + "' from " + size + " to " + proposed + " ("
        + pool.clientsWaiting() + " client(s) wait" + (proposed < wanted ? "; capped by the primary's headroom "
        + headroom + " - reserve " + reservePool : "") + ") and put it back after " + revert, List.of(), 0, size,
        proposed);
  }

  private static void duration(List<String> out, String field, String value) {
    if (value == null) {
      return;
    }
    try {
      Duration d = TerminateRules.parse(value);
      if (d.isNegative() || d.isZero()) {
        out.add(field + " must be positive, got '" + value + "'");
      }
    } catch (IllegalArgumentException | DateTimeParseException e) {
      out.add(field + " is not a duration (30s, 5m, 2h, 1d or PT5M): '" + value + "'");
    }
  }
}
