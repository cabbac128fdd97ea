package io.pgrunbooks.workflows.poolresize;

import io.pgrunbooks.workflows.common.RunbookInput;

/**
 * Input of {@code PoolResize}: {@code {"cluster": "main", "database": "app", "poolSize": 40, "revertAfter": "2h"}}.
 *
 * @param database the PgBouncer {@code [databases]} entry (required)
 * @param poolSize its new {@code pool_size} (required, at least 1, within the primary's headroom)
 * @param reservePoolSize its new {@code reserve_pool}; absent keeps it
 * @param revertAfter put the old sizes back after this long ({@code 30m}, {@code 2h}, ISO {@code PT2H}); absent keeps
 *     the new size
 */
public record PoolResizeInput(String cluster, String database, Integer poolSize, Integer reservePoolSize,
                              String revertAfter, boolean dryRun, String requestedBy, String reason)
    implements RunbookInput {}
