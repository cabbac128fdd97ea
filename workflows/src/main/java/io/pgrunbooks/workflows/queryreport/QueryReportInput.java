package io.pgrunbooks.workflows.queryreport;

import io.pgrunbooks.workflows.common.RunbookInput;

/**
 * Input of {@code QueryReport}: {@code {"cluster": "main", "database": "app"}}.
 *
 * @param cluster configured cluster (required)
 * @param database database whose statements and indexes are reported (required)
 * @param top how many statements each list holds (default 20, 1 to 100)
 * @param node configured node whose pg_stat_statements and plans are read (default: the current primary)
 */
public record QueryReportInput(String cluster, String database, Integer top, String node, boolean dryRun,
                               String requestedBy, String reason) implements RunbookInput {

  public static QueryReportInput of(String cluster, String database) {
    return new QueryReportInput(cluster, database, null, null, false, null, null);
  }

  public int topOrDefault() {
    return top == null ? QueryReportRules.DEFAULT_TOP : top;
  }
}
