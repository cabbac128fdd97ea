package io.pgrunbooks.workflows.approval;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;

/** When a pending approval is reminded of: at fractions of the time between the request and its deadline. */
final class ApprovalReminders {
  private ApprovalReminders() {}

  /**
   * The reminder times in order, one per distinct fraction in (0, 1); other values are ignored (config
   * validation refuses them).
   */
  static Deque<Instant> times(Instant asked, Instant deadline, List<Double> fractions) {
    Duration timeout = Duration.between(asked, deadline);
    Deque<Instant> out = new ArrayDeque<>();
    if (fractions == null || timeout.isNegative() || timeout.isZero()) {
      return out;
    }
    fractions.stream().filter(Objects::nonNull).filter(f -> f > 0 && f < 1).sorted().distinct()
        .map(f -> asked.plusMillis(Math.round(timeout.toMillis() * f)))
        .forEach(at -> {
          if (!at.equals(out.peekLast())) {
            out.add(at);
          }
        });
    return out;
  }

  /** "50%" for 0.5: how far into the approval's time a reminder is. */
  static String percent(Instant asked, Instant deadline, Instant at) {
    long total = Duration.between(asked, deadline).toMillis();
    return total <= 0 ? "100%" : Math.round(100.0 * Duration.between(asked, at).toMillis() / total) + "%";
  }
}
