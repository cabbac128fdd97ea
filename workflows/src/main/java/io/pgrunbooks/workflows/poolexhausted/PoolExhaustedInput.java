package io.pgrunbooks.workflows.poolexhausted;

import io.pgrunbooks.workflows.common.RunbookInput;

/**
 * Input of {@code PoolExhausted}: {@code {"cluster": "main", "database": "app"}}. Only {@code cluster} is required.
 *
 * @param database the PgBouncer {@code [databases]} entry to relieve; absent: the entry with the most waiting clients
 * @param idleInTransactionLongerThan a session idle in transaction at least this long is a holder worth ending
 *     (default {@code 1m}; {@code 30s}, {@code 5m}, ISO {@code PT1M})
 * @param revertAfter when the relief is a bigger pool, the old size is put back after this long (default {@code 1h})
 */
public record PoolExhaustedInput(String cluster, String database, String idleInTransactionLongerThan,
                                 String revertAfter, boolean dryRun, String requestedBy, String reason)
    implements RunbookInput {}
