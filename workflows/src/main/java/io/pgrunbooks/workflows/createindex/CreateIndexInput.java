package io.pgrunbooks.workflows.createindex;

import io.pgrunbooks.workflows.common.RunbookInput;
import java.util.List;

/**
 * Input of {@code CreateIndex}:
 * {@code {"cluster": "main", "database": "app", "table": "public.orders", "columns": ["customer_id", "created_at DESC"],
 * "where": "deleted_at IS NULL"}}.
 *
 * @param cluster configured cluster (required)
 * @param database database in it (required)
 * @param table {@code schema.name} (required)
 * @param columns column names, each optionally followed by ASC/DESC and NULLS FIRST/LAST, or expressions;
 *     required unless {@code definition} is given
 * @param definition instead of columns: {@code CREATE [UNIQUE] INDEX ON schema.table [USING m] (...) [WHERE ...]}
 * @param name index name (default: table_columns_idx)
 * @param unique unique index (default false)
 * @param method access method (default btree)
 * @param where partial index predicate
 */
public record CreateIndexInput(String cluster, String database, String table, List<String> columns, String definition,
                               String name, Boolean unique, String method, String where,
                               boolean dryRun, String requestedBy, String reason) implements RunbookInput {

  public static CreateIndexInput of(String cluster, String database, String table, List<String> columns) {
    return new CreateIndexInput(cluster, database, table, columns, null, null, null, null, null, false, null, null);
  }

  public boolean uniqueIndex() {
    return Boolean.TRUE.equals(unique);
  }
}
