package io.pgrunbooks.workflows.failover;

import io.pgrunbooks.workflows.activities.FailoverActivities.FailoverFacts;
import io.pgrunbooks.workflows.activities.FailoverActivities.NodeWal;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.Locale;

/** The decisions of {@code Failover} on facts activities returned. Pure, so workflow code may call it. */
public final class FailoverChecks {
  public static final String SWITCHOVER = "switchover";
  public static final String FAILOVER = "failover";

  private FailoverChecks() {}

  /**
   * The possible data loss of promoting {@code candidate}.
   *
   * @param lastKnownLsn newest primary position the run knows; {@code source} says where it comes from
   * @param seconds estimate, -1 when it cannot be estimated
   */
  public record Loss(long bytes, double seconds, long lastKnownLsn, String source) {
    public String describe() {
      return bytes + " bytes" + (bytes == 0 ? "" : seconds >= 0 ? String.format(Locale.ROOT, " (about %.1f s of writes)", seconds)
          : bytes > 0 ? " (seconds cannot be estimated)" : "");
    }
  }

  public static String mode(FailoverFacts f) {
    return f.primary() != null ? SWITCHOVER : FAILOVER;
  }

  /** SafetyRefused unless {@code candidate} can be promoted (and, without force, is close enough to its primary). */
  public static NodeWal requireCandidate(FailoverFacts f, String candidate, boolean force, long maxGapBytes) {
    NodeWal c = f.node(candidate);
    if (c == null) {
      throw ApplicationFailure.newNonRetryableFailure("unknown node '" + candidate + "' in cluster " + f.cluster(),
          FailureTypes.BAD_INPUT);
    }
    if (candidate.equals(f.primary())) {
      throw refuse(candidate + " is already the primary of cluster " + f.cluster() + "; nothing to do");
    }
    if (!c.reachable()) {
      throw refuse(candidate + " does not answer (" + c.error() + "): it cannot be promoted; choose another replica");
    }
    if (!Boolean.TRUE.equals(c.inRecovery())) {
      throw refuse(candidate + " is not in recovery (" + (f.problem() == null ? "writable" : f.problem())
          + "): refusing to add a second writable node");
    }
    if (f.primary() == null && f.problem() != null && f.problem().startsWith("more than one")) {
      throw refuse("cluster " + f.cluster() + " has " + f.problem() + ": resolve that first");
    }
    if (!force) {
      long gap = c.receiveLsn() >= 0 && c.replayLsn() >= 0 ? c.receiveLsn() - c.replayLsn() : -1;
      if (gap > maxGapBytes) {
        throw refuse(candidate + " has received " + gap + " bytes it has not replayed yet (more than "
            + maxGapBytes + "): wait, or start again with force: true");
      }
      if (f.primary() != null && !"streaming".equals(c.state())) {
        throw refuse(candidate + " is not streaming from " + f.primary() + " (state " + c.state()
            + "): start again with force: true to promote it anyway");
      }
    }
    return c;
  }

  /**
   * Possible loss if {@code candidate} is promoted now. A switchover loses nothing: it waits for the final LSN.
   * Without a primary the newest position known is the larger of {@code rememberedPrimaryLsn} (seen earlier in
   * this run) and what any reachable replica has received.
   */
  public static Loss loss(FailoverFacts f, String candidate, long rememberedPrimaryLsn) {
    NodeWal c = f.node(candidate);
    if (f.primary() != null) {
      return new Loss(0, 0, f.primaryLsn(), "primary " + f.primary() + " (switchover: waits until " + candidate
          + " replayed the final LSN)");
    }
    long newest = rememberedPrimaryLsn;
    String source = newest >= 0 ? "the primary, earlier in this run" : "nothing";
    NodeWal ahead = c;
    for (NodeWal n : f.nodes()) {
      if (n.reachable() && n.receiveLsn() > newest) {
        newest = n.receiveLsn();
        source = "WAL received by " + n.name();
        ahead = n;
      }
    }
    long bytes = Math.max(0, newest - Math.max(0, c.receiveLsn()));
    double seconds = bytes == 0 ? 0 : ahead != c && ahead.lastReplayAt() != null && c.lastReplayAt() != null
        ? Math.max(0, Duration.between(c.lastReplayAt(), ahead.lastReplayAt()).toMillis() / 1000.0) : -1;
    return new Loss(bytes, seconds, newest, source);
  }

  public static String lsn(long bytes) {
    return bytes < 0 ? "unknown" : Long.toHexString(bytes >>> 32).toUpperCase(Locale.ROOT) + "/"
        + Long.toHexString(bytes & 0xFFFFFFFFL).toUpperCase(Locale.ROOT);
  }

  private static ApplicationFailure refuse(String message) {
    return ApplicationFailure.newNonRetryableFailure(message + "; nothing was changed", FailureTypes.SAFETY_REFUSED);
  }
}
