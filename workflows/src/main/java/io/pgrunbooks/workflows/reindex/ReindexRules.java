package io.pgrunbooks.workflows.reindex;

import io.pgrunbooks.workflows.activities.IndexMaintenanceActivities.IndexSize;
import java.util.List;
import java.util.regex.Pattern;

/** Reindex decisions without I/O: input, what counts as bloated, headroom. */
public final class ReindexRules {
  /** An index this many times larger than HypoPG's estimate of a fresh copy is bloated. */
  public static final double BLOAT_RATIO = 1.5;
  /** Free space needed: the new copies (all built before the old ones go) x margin, plus a reserve. */
  public static final double HEADROOM_MARGIN = 1.5;
  public static final long RESERVE_BYTES = 256L * 1024 * 1024;
  private static final Pattern QUALIFIED = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,62}\\.[A-Za-z_][A-Za-z0-9_$]{0,62}");

  private ReindexRules() {}

  /** Why the input is refused, or null. */
  public static String inputProblem(ReindexInput in) {
    if (blank(in.cluster()) || blank(in.database())) {
      return "cluster and database are required";
    }
    if (blank(in.index()) == blank(in.table())) {
      return "give either index or table (exactly one)";
    }
    String name = blank(in.index()) ? in.table() : in.index();
    return QUALIFIED.matcher(name.strip()).matches() ? null
        : (blank(in.index()) ? "table" : "index") + " must be schema.name, got '" + name + "'";
  }

  /** Why this index needs a rebuild, or null. */
  public static String reason(IndexSize s) {
    if (!s.valid()) {
      return "INVALID";
    }
    if (s.freshBytes() > 0 && s.bytes() >= BLOAT_RATIO * s.freshBytes()) {
      return String.format("bloated: %d bytes, a fresh copy ~%d (x%.1f)", s.bytes(), s.freshBytes(),
          (double) s.bytes() / s.freshBytes());
    }
    return null;
  }

  /** Why the run stops because nothing needs a rebuild (and it was not forced), or null. */
  public static String nothingToDo(List<IndexSize> indexes, boolean force) {
    if (force || indexes.stream().anyMatch(s -> reason(s) != null)) {
      return null;
    }
    return "no index is INVALID or bloated (ratio >= " + BLOAT_RATIO + " of HypoPG's fresh size): nothing to rebuild;"
        + " pass force: true to rebuild anyway";
  }

  /** Why the disk cannot take the new copies, or null. */
  public static String headroomProblem(List<IndexSize> indexes, long freeBytes) {
    long copies = indexes.stream().mapToLong(s -> s.freshBytes() > 0 ? Math.min(s.bytes(), s.freshBytes()) : s.bytes())
        .sum();
    long need = (long) (copies * HEADROOM_MARGIN) + RESERVE_BYTES;
    return freeBytes >= need ? null : "not enough disk: " + freeBytes + " bytes free, the new copies need " + need;
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
