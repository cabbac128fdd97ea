package io.pgrunbooks.workflows.failoverdrill;

import io.pgrunbooks.workflows.activities.FailoverActivities.FailoverFacts;
import io.pgrunbooks.workflows.activities.FailoverActivities.NodeWal;
import io.pgrunbooks.workflows.backup.VerifiedBackupAge;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.List;

/** Preflight decisions of {@code FailoverDrill}. Pure. */
final class DrillChecks {
  private DrillChecks() {}

  /** The input's window (an instant, or a duration after the start), else the config's delay after the start. */
  static Instant windowStart(String window, long configSeconds, Instant started) {
    if (window == null || window.isBlank()) {
      return started.plusSeconds(configSeconds);
    }
    try {
      return Instant.parse(window.strip());
    } catch (DateTimeParseException notInstant) {
      try {
        Duration d = Duration.parse(window.strip());
        if (d.isNegative()) {
          throw new DateTimeParseException("negative", window, 0);
        }
        return started.plus(d);
      } catch (DateTimeParseException e) {
        throw ApplicationFailure.newNonRetryableFailure("window '" + window + "' is neither an ISO-8601 instant "
            + "(2026-12-06T03:00:00Z) nor a duration (PT6H)", FailureTypes.BAD_INPUT);
      }
    }
  }

  /**
   * The furthest a drill window may open after the run starts: a drill that cannot start within it is
   * refused at once rather than holding a run (and its approval) open for weeks.
   */
  static final Duration MAX_WINDOW_AHEAD = Duration.ofDays(7);

  /** Refuses (BAD_INPUT, nothing touched) a window that opens more than {@link #MAX_WINDOW_AHEAD} after the start. */
  static void requireWindowWithinBound(Instant windowStart, Instant started, String window) {
    if (Duration.between(started, windowStart).compareTo(MAX_WINDOW_AHEAD) > 0) {
      throw ApplicationFailure.newNonRetryableFailure("the drill window opens at " + windowStart + " ("
          + (window == null || window.isBlank() ? "failover.drill.window of the config" : "window '" + window.strip()
          + "'") + "), more than " + MAX_WINDOW_AHEAD.toDays() + " days after the run started (" + started
          + "); start the drill closer to its window; nothing was touched", FailureTypes.BAD_INPUT);
    }
  }

  static String requirePrimary(FailoverFacts f) {
    if (f.primary() == null) {
      throw ApplicationFailure.newNonRetryableFailure("cluster " + f.cluster() + " has no single reachable primary ("
          + f.problem() + "): no drill; nothing was touched", FailureTypes.SAFETY_REFUSED);
    }
    return f.primary();
  }

  /** The requested replica, or the streaming one with the least replay lag; it must stream under the threshold. */
  static String chooseReplica(FailoverFacts f, String requested, double maxLagSeconds) {
    List<NodeWal> healthy = f.nodes().stream()
        .filter(n -> n.reachable() && Boolean.TRUE.equals(n.inRecovery()) && "streaming".equals(n.state())
            && n.replayLagSeconds() >= 0 && n.replayLagSeconds() < maxLagSeconds)
        .sorted(Comparator.comparingDouble(NodeWal::replayLagSeconds)).toList();
    if (requested != null && !requested.isBlank()) {
      NodeWal r = f.node(requested.strip());
      if (r == null) {
        throw ApplicationFailure.newNonRetryableFailure("unknown node '" + requested + "' in cluster " + f.cluster(),
            FailureTypes.BAD_INPUT);
      }
      if (!healthy.contains(r)) {
        throw ApplicationFailure.newNonRetryableFailure(r.name() + " is not a streaming replica under the lag "
            + "threshold of " + maxLagSeconds + " s (state " + r.state() + ", lag " + r.replayLagSeconds()
            + " s): no drill; nothing was touched", FailureTypes.SAFETY_REFUSED);
      }
      return r.name();
    }
    if (healthy.isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure("no replica of cluster " + f.cluster() + " streams from "
          + f.primary() + " with a replay lag under " + maxLagSeconds + " s: no drill; nothing was touched",
          FailureTypes.SAFETY_REFUSED);
    }
    return healthy.get(0).name();
  }

  static String requireVerifiedBackup(List<VerifiedBackupAge> ages, long maxAgeSeconds, Instant now) {
    Instant newest = ages.stream().map(VerifiedBackupAge::newestVerifiedAt).filter(a -> a != null)
        .max(Comparator.naturalOrder()).orElse(null);
    if (newest == null || Duration.between(newest, now).getSeconds() > maxAgeSeconds) {
      throw ApplicationFailure.newNonRetryableFailure("requireVerifiedBackup: " + (newest == null
          ? "no verified backup" : "the newest verified backup is from " + newest) + ", older than "
          + maxAgeSeconds / 3600 + " h allows: no drill; nothing was touched", FailureTypes.SAFETY_REFUSED);
    }
    return "newest verified backup from " + newest;
  }
}
