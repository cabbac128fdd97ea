package io.pgrunbooks.api.paging;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * One page of a list the API assembles itself (approvals, archives): items sorted by a unique string key,
 * the page starting after the key the cursor holds. Keyed, not counted: an item that disappears between
 * two pages (a decided approval) shifts nothing, and nothing is shown twice.
 *
 * @param nextPosition the key of the last item when more follow, else null
 */
public record KeysetPage<T>(List<T> items, String nextPosition) {
  /** The page of {@code all} after {@code request.position()}, in ascending order of {@code key}. */
  public static <T> KeysetPage<T> of(List<T> all, Function<T, String> key, PageRequest request) {
    List<T> sorted = new ArrayList<>(all);
    sorted.sort(Comparator.comparing(key));
    List<T> after = request.position() == null ? sorted
        : sorted.stream().filter(t -> key.apply(t).compareTo(request.position()) > 0).toList();
    if (after.size() <= request.limit()) {
      return new KeysetPage<>(List.copyOf(after), null);
    }
    List<T> page = List.copyOf(after.subList(0, request.limit()));
    return new KeysetPage<>(page, key.apply(page.get(page.size() - 1)));
  }

  /**
   * A fixed-width sort key for an ISO-8601 instant, so string order is time order (Instant's own text is
   * not: {@code ...00Z} sorts after {@code ...00.5Z}); newest first when {@code descending}. Missing or
   * unreadable times sort last either way.
   */
  public static String timeKey(String iso, boolean descending) {
    java.time.Instant t;
    try {
      t = iso == null || iso.isBlank() ? null : java.time.Instant.parse(iso);
    } catch (java.time.format.DateTimeParseException e) {
      t = null;
    }
    if (t == null) {
      return "~";
    }
    long seconds = t.getEpochSecond() + (1L << 40); // positive for any realistic time
    long nanos = t.getNano();
    if (descending) {
      seconds = (1L << 41) - seconds - (nanos > 0 ? 1 : 0);
      nanos = nanos > 0 ? 1_000_000_000L - nanos : 0;
    }
    return String.format("%015d.%09d", seconds, nanos);
  }

  /** Joins key parts with a separator that sorts below any character they contain. */
  public static String key(String... parts) {
    return String.join("\u0001", parts);
  }
}
