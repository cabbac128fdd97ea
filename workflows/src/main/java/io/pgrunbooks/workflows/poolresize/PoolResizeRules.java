package io.pgrunbooks.workflows.poolresize;

import io.pgrunbooks.workflows.terminatesessions.TerminateRules;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/** Input checks of {@code PoolResize}, pure. */
public final class PoolResizeRules {
  private PoolResizeRules() {}

  /** Every problem of the input, empty when it is usable. */
  public static List<String> problems(PoolResizeInput in) {
    List<String> out = new ArrayList<>();
    if (in == null) {
      return List.of("cluster, database and poolSize are required");
    }
    if (in.cluster() == null || in.cluster().isBlank()) {
      out.add("cluster is required");
    }
    if (in.database() == null || in.database().isBlank()) {
      out.add("database (the PgBouncer [databases] entry) is required");
    }
    if (in.poolSize() == null) {
      out.add("poolSize is required");
    } else if (in.poolSize() < 1) {
      out.add("poolSize must be at least 1, got " + in.poolSize());
    }
    if (in.reservePoolSize() != null && in.reservePoolSize() < 0) {
      out.add("reservePoolSize must not be negative, got " + in.reservePoolSize());
    }
    if (in.revertAfter() != null) {
      try {
        Duration d = TerminateRules.parse(in.revertAfter());
        if (d.isNegative() || d.isZero()) {
          out.add("revertAfter must be positive, got '" + in.revertAfter() + "'");
        }
      } catch (IllegalArgumentException | DateTimeParseException e) {
        out.add("revertAfter is not a duration (30m, 2h, PT2H): '" + in.revertAfter() + "'");
      }
    }
    return out;
  }

  /** {@code revertAfter} of a valid input, null when absent. */
  public static Duration revertAfter(PoolResizeInput in) {
    return in.revertAfter() == null ? null : TerminateRules.parse(in.revertAfter());
  }
}
