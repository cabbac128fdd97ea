package io.pgrunbooks.workflows.partitionmaintenance;

import java.util.List;

/**
 * Coverage of a table from its oldest retained interval through premake ahead, from catalog bounds.
 *
 * @param gaps intervals no partition covered when the run looked (those it creates say so)
 * @param overlaps intervals that an existing partition covers only partly or together with others
 * @param unexpectedNames partitions whose name or bounds do not follow the policy
 * @param defaultRows rows found in the default partition, per interval
 */
public record Coverage(List<String> gaps, List<String> overlaps, List<String> unexpectedNames,
                       List<String> defaultRows) {
  public boolean clean() {
    return gaps.isEmpty() && overlaps.isEmpty() && unexpectedNames.isEmpty() && defaultRows.isEmpty();
  }
}
