package io.pgrunbooks.workflows.poolresize;

import io.pgrunbooks.workflows.common.RunReport;

/**
 * Result of {@code PoolResize}.
 *
 * @param previousPoolSize the entry's pool_size before the run
 * @param poolSize the size the run set (-1 when it set none: dry run, rejected)
 * @param headroom connections of the primary left for this entry (pool plus reserve)
 * @param reverted whether {@code revertAfter} put the old size back
 */
public record PoolResizeResult(RunReport report, int previousPoolSize, int poolSize, int headroom, boolean reverted) {}
