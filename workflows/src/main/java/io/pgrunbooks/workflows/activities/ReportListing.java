package io.pgrunbooks.workflows.activities;

import io.pgrunbooks.workflows.activities.ReportLayout.Entry;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * One page of the report listing, newest first, shared by the API and the CLI (both read the bucket
 * with their own S3 client and hand this the listing of a prefix). The date range is a set of day
 * prefixes, so a page costs one listing per day visited, never a scan of the whole bucket.
 */
public final class ReportListing {
  /** Widest date range one request may ask for. */
  public static final int MAX_DAYS = 366;
  /** Largest page. */
  public static final int MAX_LIMIT = 500;
  private static final Comparator<Entry> NEWEST_FIRST =
      Comparator.comparing(Entry::finishedAt).thenComparing(Entry::id).reversed();

  private ReportListing() {}

  /**
   * A query: days {@code from}..{@code to} (inclusive, UTC), optional runbook and cluster, at most
   * {@code limit} entries after the entry {@code pageToken} (the last id of the previous page, or null).
   */
  public record Query(LocalDate from, LocalDate to, String runbook, String cluster, int limit, String pageToken) {
    /** The problem with this query in words, or null when it is fine. */
    public String problem() {
      if (from == null || to == null) {
        return "from and to are dates (yyyy-MM-dd)";
      }
      if (from.isAfter(to)) {
        return "from (" + from + ") is after to (" + to + ")";
      }
      if (ChronoUnit.DAYS.between(from, to) >= MAX_DAYS) {
        return "from..to spans more than " + MAX_DAYS + " days; ask for a narrower range";
      }
      if (limit < 1 || limit > MAX_LIMIT) {
        return "limit must be 1-" + MAX_LIMIT + ", got " + limit;
      }
      if (pageToken != null && !ReportLayout.isId(pageToken)) {
        return "pageToken is not a report id from an earlier page: '" + pageToken + "'";
      }
      return null;
    }
  }

  /** A page; {@code nextPageToken} is null on the last one. */
  public record Page(List<Entry> reports, String nextPageToken) {}

  /** The page of {@code q} under {@code root}; {@code list} returns every key under a prefix. */
  public static Page page(String root, Query q, Function<String, List<String>> list) {
    if (q.problem() != null) {
      throw new IllegalArgumentException(q.problem());
    }
    Entry after = q.pageToken() == null ? null : ReportLayout.parse(root, root + q.pageToken());
    LocalDate day = after != null && after.day().isBefore(q.to()) ? after.day() : q.to();
    List<Entry> found = new ArrayList<>();
    for (; !day.isBefore(q.from()) && found.size() <= q.limit(); day = day.minusDays(1)) {
      List<Entry> ofDay = new ArrayList<>();
      for (String key : list.apply(ReportLayout.prefix(root, day, q.runbook(), q.cluster()))) {
        Entry e = ReportLayout.parse(root, key);
        if (e != null && (q.cluster() == null || q.cluster().equals(e.cluster()))
            && (after == null || NEWEST_FIRST.compare(e, after) > 0)) {
          ofDay.add(e);
        }
      }
      ofDay.sort(NEWEST_FIRST);
      found.addAll(ofDay);
    }
    if (found.size() <= q.limit()) {
      return new Page(List.copyOf(found), null);
    }
    List<Entry> page = List.copyOf(found.subList(0, q.limit()));
    return new Page(page, page.get(page.size() - 1).id());
  }
}
