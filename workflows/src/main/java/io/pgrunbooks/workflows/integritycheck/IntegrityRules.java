package io.pgrunbooks.workflows.integritycheck;

import io.pgrunbooks.workflows.activities.IntegrityActivities.Corruption;
import io.pgrunbooks.workflows.activities.IntegrityActivities.IntegrityFindings;
import io.pgrunbooks.workflows.activities.IntegrityActivities.NodeChecksums;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** IntegrityCheck decisions without I/O: input and what counts as a finding. */
public final class IntegrityRules {
  private static final Pattern QUALIFIED = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,62}\\.[A-Za-z_][A-Za-z0-9_$]{0,62}");
  private static final Pattern NODE = Pattern.compile("[A-Za-z0-9_.-]{1,63}");

  private IntegrityRules() {}

  /** Why the input is refused, or null. */
  public static String inputProblem(IntegrityCheckInput in) {
    if (blank(in.cluster()) || blank(in.database())) {
      return "cluster and database are required";
    }
    if (in.node() != null && !NODE.matcher(in.node().strip()).matches()) {
      return "node must be a node name of the cluster, got '" + in.node() + "'";
    }
    for (String t : in.tables() == null ? List.<String>of() : in.tables()) {
      if (t == null || !QUALIFIED.matcher(t.strip()).matches()) {
        return "tables must be schema.name, got '" + t + "'";
      }
    }
    return null;
  }

  /**
   * Every problem people must act on: each corrupt relation with amcheck's message, checksum failures on any
   * node, a node whose counters could not be read. Relations amcheck skipped (e.g. dropped during the run) are not.
   */
  public static List<String> findings(List<NodeChecksums> checksums, IntegrityFindings amcheck) {
    List<String> out = new ArrayList<>();
    if (amcheck != null) {
      for (Corruption c : amcheck.corruptions()) {
        out.add(c.kind() + " " + c.relation() + " on " + amcheck.node() + ": " + c.message());
      }
    }
    for (NodeChecksums n : checksums) {
      if (n.problem() != null) {
        out.add("checksum counters of " + n.node() + " unreadable: " + n.problem());
      } else if (n.total() > 0) {
        out.add(n.node() + ": " + n.total() + " checksum failure(s): " + String.join("; ", n.failures()));
      }
    }
    return out;
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
