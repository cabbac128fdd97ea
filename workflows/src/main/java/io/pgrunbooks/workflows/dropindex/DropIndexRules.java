package io.pgrunbooks.workflows.dropindex;

import io.pgrunbooks.workflows.activities.IndexMaintenanceActivities.IndexFacts;
import io.pgrunbooks.workflows.activities.IndexMaintenanceActivities.NodeScans;
import java.util.regex.Pattern;

/** DropIndex decisions without I/O. */
public final class DropIndexRules {
  private static final Pattern QUALIFIED = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,62}\\.[A-Za-z_][A-Za-z0-9_$]{0,62}");

  private DropIndexRules() {}

  /** Why the input is refused, or null. */
  public static String inputProblem(DropIndexInput in) {
    if (in.cluster() == null || in.cluster().isBlank() || in.database() == null || in.database().isBlank()
        || in.index() == null || in.index().isBlank()) {
      return "cluster, database and index are required";
    }
    return QUALIFIED.matcher(in.index().strip()).matches() ? null
        : "index must be schema.name made of letters, digits and _, got '" + in.index() + "'";
  }

  /**
   * Why the index must stay, or null: a constraint enforces it, or a replica's queries use it. A replica that could
   * not be read refuses too (its use is unknown).
   */
  public static String refusal(IndexFacts f) {
    if (f.constraint() != null) {
      return f.index() + " enforces constraint " + f.constraint() + ": drop the constraint instead (ALTER TABLE "
          + f.table() + " DROP CONSTRAINT ...), never its index";
    }
    for (NodeScans s : f.scans()) {
      if (s.replica() && s.scans() < 0) {
        return "idx_scan of " + f.index() + " on replica " + s.node() + " is unknown (" + s.problem()
            + "): a replica's queries may use it";
      }
      if (s.replica() && s.scans() > 0) {
        return f.index() + " is used by queries on replica " + s.node() + " (idx_scan " + s.scans() + ")";
      }
    }
    return null;
  }
}
