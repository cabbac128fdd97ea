package io.pgrunbooks.workflows.replicarebuild;

import io.pgrunbooks.workflows.common.RunReport;

/**
 * Result of {@code ReplicaRebuild}.
 *
 * @param primary the node the copy came from
 * @param oldDataDir where the old data dir was moved ({@code <dataDir>.rebuild-<runId>}); removed unless kept
 * @param oldDataDirKept whether it is still on disk
 * @param bytesCopied bytes pg_basebackup reported
 * @param replayLagSeconds replay lag when the run declared the replica caught up
 */
public record ReplicaRebuildResult(RunReport report, String replica, String primary, String oldDataDir,
                                   boolean oldDataDirKept, long bytesCopied, double replayLagSeconds) {}
