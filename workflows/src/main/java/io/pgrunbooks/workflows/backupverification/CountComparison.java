package io.pgrunbooks.workflows.backupverification;

import io.pgrunbooks.workflows.backup.TableCount;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Compares restored row counts with the manifest's; estimated counts are not compared. */
public final class CountComparison {
  private CountComparison() {}

  /** One line per table that differs, naming it ("public.orders: manifest 100 rows, restored 99"). */
  public static List<String> differences(List<TableCount> manifest, List<TableCount> restored) {
    Map<String, Long> got = new HashMap<>();
    restored.forEach(t -> got.put(t.qualified(), t.rows()));
    List<String> out = new ArrayList<>();
    for (TableCount t : manifest) {
      if (!t.exact()) {
        continue;
      }
      Long rows = got.get(t.qualified());
      if (rows == null || rows < 0) {
        out.add(t.qualified() + ": manifest " + t.rows() + " rows, missing after restore");
      } else if (rows != t.rows()) {
        out.add(t.qualified() + ": manifest " + t.rows() + " rows, restored " + rows);
      }
    }
    return out;
  }
}
