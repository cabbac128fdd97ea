package io.pgrunbooks.workflows.repack;

import io.pgrunbooks.workflows.activities.IndexMaintenanceActivities.IndexSize;
import io.pgrunbooks.workflows.activities.RepackActivities.RepackFacts;
import io.pgrunbooks.workflows.reindex.ReindexRules;
import java.util.regex.Pattern;

/** Repack decisions without I/O: input, pg_repack's key rule, headroom, the bloat evidence. */
public final class RepackRules {
  /** pg_repack's rule, said once: the run refuses a table without such a key before asking anyone. */
  public static final String KEY_RULE = "pg_repack needs a primary key or a unique index on NOT NULL columns"
      + " (not partial, not on expressions, valid): it replays the changes made during the copy from its log"
      + " table by that key, and without one it cannot tell which row a logged change belongs to";
  /** Free space needed: the new table and all its indexes exist beside the old ones until the swap. */
  public static final double HEADROOM_MARGIN = 1.5;
  public static final long RESERVE_BYTES = 256L * 1024 * 1024;
  private static final Pattern QUALIFIED = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,62}\\.[A-Za-z_][A-Za-z0-9_$]{0,62}");

  private RepackRules() {}

  /** Why the input is refused, or null. */
  public static String inputProblem(RepackInput in) {
    if (blank(in.cluster()) || blank(in.database()) || blank(in.table())) {
      return "cluster, database and table are required";
    }
    return QUALIFIED.matcher(in.table().strip()).matches() ? null
        : "table must be schema.name, got '" + in.table() + "'";
  }

  /** Why pg_repack would refuse this table, with its rule, or null. */
  public static String keyProblem(RepackFacts f) {
    return f.keyProblem() == null ? null : f.table() + ": " + f.keyProblem() + "; " + KEY_RULE;
  }

  /**
   * Bytes the copy needs: the live rows (the estimate when known, else the whole table) and a fresh copy of every
   * index (the Reindex estimate when known, else its size), with a margin and a reserve.
   */
  public static long bytesNeeded(RepackFacts f) {
    long table = f.freshTableBytes() > 0 ? Math.min(f.tableBytes(), f.freshTableBytes()) : f.tableBytes();
    long indexes = f.indexes().stream()
        .mapToLong(s -> s.freshBytes() > 0 ? Math.min(s.bytes(), s.freshBytes()) : s.bytes()).sum();
    return (long) ((table + indexes) * HEADROOM_MARGIN) + RESERVE_BYTES;
  }

  /** Why the disk cannot take the copy, or null. */
  public static String headroomProblem(RepackFacts f, long freeBytes) {
    long need = bytesNeeded(f);
    return freeBytes >= need ? null : "not enough disk: " + freeBytes + " bytes free, a copy of " + f.table()
        + " with its indexes needs " + need + " (x" + HEADROOM_MARGIN + " + " + RESERVE_BYTES + " reserve)";
  }

  /** The table's estimated bloat as evidence, e.g. {@code 80 MB, fresh copy ~16 MB (x5.0), 90% dead tuples}. */
  public static String tableBloat(RepackFacts f) {
    StringBuilder b = new StringBuilder().append(f.tableBytes()).append(" bytes");
    if (f.freshTableBytes() > 0) {
      b.append(String.format(", fresh copy ~%d (x%.1f)", f.freshTableBytes(),
          (double) f.tableBytes() / f.freshTableBytes()));
    } else {
      b.append(", no estimate of a fresh copy (table not analyzed)");
    }
    long all = f.liveTuples() + f.deadTuples();
    if (all > 0) {
      b.append(", ").append(Math.round(100.0 * f.deadTuples() / all)).append("% dead tuples");
    }
    return b.toString();
  }

  /** One index as evidence, with the Reindex verdict when it is bloated. */
  public static String index(IndexSize s) {
    String why = ReindexRules.reason(s);
    return s.bytes() + " bytes" + (s.freshBytes() > 0 ? ", fresh copy ~" + s.freshBytes() : "")
        + (why == null ? "" : " (" + why + ")");
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
