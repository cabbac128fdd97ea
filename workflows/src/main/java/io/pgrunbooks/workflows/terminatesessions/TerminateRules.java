package io.pgrunbooks.workflows.terminatesessions;

import io.pgrunbooks.workflows.activities.SessionActivities.Criteria;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Input checks and the criteria of {@code TerminateSessions}, pure (tested without Temporal or PostgreSQL). */
public final class TerminateRules {
  /** The most sessions one run may be allowed to end. */
  public static final int MAX_SESSIONS_LIMIT = 1000;

  private TerminateRules() {}

  /** Every problem of the input, empty when it is usable. */
  public static List<String> problems(TerminateSessionsInput in) {
    List<String> out = new ArrayList<>();
    if (in == null || blank(in.cluster())) {
      out.add("cluster is required");
      return out;
    }
    if (in.database() != null && in.database().isBlank()) {
      out.add("database must not be blank");
    }
    checkDuration(out, "idleInTransactionLongerThan", in.idleInTransactionLongerThan());
    checkDuration(out, "blockingLongerThan", in.blockingLongerThan());
    checkDuration(out, "runningLongerThan", in.runningLongerThan());
    for (String[] f : new String[][] {{"user", in.user()}, {"application", in.application()},
        {"queryLike", in.queryLike()}}) {
      if (f[1] != null && f[1].isBlank()) {
        out.add(f[0] + " must not be blank");
      }
    }
    if (in.maxSessions() != null && (in.maxSessions() < 1 || in.maxSessions() > MAX_SESSIONS_LIMIT)) {
      out.add("maxSessions must be between 1 and " + MAX_SESSIONS_LIMIT + ", got " + in.maxSessions());
    }
    if (in.idleInTransactionLongerThan() == null && in.blockingLongerThan() == null && in.runningLongerThan() == null
        && in.user() == null && in.application() == null && in.queryLike() == null) {
      out.add("give at least one criterion: idleInTransactionLongerThan, blockingLongerThan, runningLongerThan, user, "
          + "application or queryLike (database alone would select every session of it)");
    }
    return out;
  }

  /**
   * The criteria of a valid input; one more row than {@code maxSessions} is read so that "too many" is seen.
   */
  public static Criteria criteria(TerminateSessionsInput in) {
    return new Criteria(in.cluster().strip(), strip(in.database()), seconds(in.idleInTransactionLongerThan()),
        seconds(in.blockingLongerThan()), seconds(in.runningLongerThan()), strip(in.user()), strip(in.application()),
        in.queryLike(), in.maxSessionsOrDefault() + 1);
  }

  /** The criteria in words, for the approval text and the report. */
  public static String describe(TerminateSessionsInput in) {
    List<String> parts = new ArrayList<>();
    add(parts, "database", in.database());
    add(parts, "idle in transaction >=", in.idleInTransactionLongerThan());
    add(parts, "blocking others >=", in.blockingLongerThan());
    add(parts, "running >=", in.runningLongerThan());
    add(parts, "user", in.user());
    add(parts, "application", in.application());
    add(parts, "query LIKE", in.queryLike());
    return String.join(", ", parts);
  }

  /**
   * The approval request's target: the criteria in one canonical line, durations in seconds, e.g.
   * {@code idleInTransactionLongerThan=600s maxSessions=10}. A pre-approval ({@code approvals.preApprovals})
   * names exactly this line (or {@code *}), so a schedule is pre-approved only within its criteria and limit.
   */
  public static String scope(TerminateSessionsInput in) {
    Criteria c = criteria(in);
    StringBuilder s = new StringBuilder();
    String[][] fields = {
        {"idleInTransactionLongerThan", c.idleInTransactionSeconds() == null ? null : c.idleInTransactionSeconds() + "s"},
        {"blockingLongerThan", c.blockingSeconds() == null ? null : c.blockingSeconds() + "s"},
        {"runningLongerThan", c.runningSeconds() == null ? null : c.runningSeconds() + "s"},
        {"user", c.user()}, {"application", c.application()}, {"queryLike", c.queryLike()}};
    for (String[] f : fields) {
      if (f[1] != null) {
        s.append(f[0]).append('=').append(f[1]).append(' ');
      }
    }
    return s.append("maxSessions=").append(in.maxSessionsOrDefault()).toString();
  }

  /** {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d} or ISO-8601; null for null. */
  public static Duration parse(String text) {
    if (text == null) {
      return null;
    }
    String t = text.strip().toLowerCase(Locale.ROOT);
    if (t.startsWith("p") || t.startsWith("-p")) {
      return Duration.parse(t.toUpperCase(Locale.ROOT));
    }
    if (t.length() < 2) {
      throw new IllegalArgumentException("not a duration: '" + text + "'");
    }
    long n = Long.parseLong(t.substring(0, t.length() - 1));
    return switch (t.charAt(t.length() - 1)) {
      case 's' -> Duration.ofSeconds(n);
      case 'm' -> Duration.ofMinutes(n);
      case 'h' -> Duration.ofHours(n);
      case 'd' -> Duration.ofDays(n);
      default -> throw new IllegalArgumentException("not a duration: '" + text + "'");
    };
  }

  private static void checkDuration(List<String> out, String field, String value) {
    if (value == null) {
      return;
    }
    try {
      if (parse(value).isNegative()) {
        out.add(field + " must not be negative, got '" + value + "'");
      }
    } catch (IllegalArgumentException | DateTimeParseException e) {
      out.add(field + " is not a duration (30s, 5m, 2h, 1d or PT5M): '" + value + "'");
    }
  }

  private static Long seconds(String text) {
    return text == null ? null : parse(text).toSeconds();
  }

  private static void add(List<String> parts, String label, String value) {
    if (value != null) {
      parts.add(label + " " + value.strip());
    }
  }

  private static String strip(String s) {
    return s == null ? null : s.strip();
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
