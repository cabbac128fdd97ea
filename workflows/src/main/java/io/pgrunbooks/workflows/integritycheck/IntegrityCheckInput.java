package io.pgrunbooks.workflows.integritycheck;

import io.pgrunbooks.workflows.common.RunbookInput;
import java.util.List;

/**
 * Input of {@code IntegrityCheck}: {@code {"cluster": "main", "database": "app"}} (required), optionally
 * {@code "node": "pg2"}, {@code "tables": ["public.orders"]}, {@code "heapallindexed": true}.
 *
 * @param node where amcheck runs; default a replica when there is one, so the primary carries no load
 * @param tables {@code schema.name}; default every table of the database
 * @param heapallindexed also check that every heap tuple has its index entry (slower; default false)
 */
public record IntegrityCheckInput(String cluster, String database, String node, List<String> tables,
                                  Boolean heapallindexed, boolean dryRun, String requestedBy, String reason)
    implements RunbookInput {

  public static IntegrityCheckInput of(String cluster, String database) {
    return new IntegrityCheckInput(cluster, database, null, null, null, false, null, null);
  }

  public boolean allIndexed() {
    return Boolean.TRUE.equals(heapallindexed);
  }
}
