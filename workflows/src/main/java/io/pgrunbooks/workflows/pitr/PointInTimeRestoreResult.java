package io.pgrunbooks.workflows.pitr;

import io.pgrunbooks.workflows.common.RunReport;

/**
 * What a {@code PointInTimeRestore} run restored and where.
 *
 * @param node the node whose host ran the restored instance ({@code into: node}: the replaced replica)
 * @param host that host, where a DBA connected
 * @param port the instance's port; 0 on a dry run
 * @param dataDir its data directory (removed when the run ended)
 * @param backupLabel the pgBackRest backup restored
 * @param target the target as pgBackRest got it ({@code --type=<targetType> --target=<target>})
 * @param reached PostgreSQL's log line saying where recovery stopped (the LSN or commit time reached)
 * @param keptUntil when the instance was due to be removed (ISO-8601)
 * @param releasedBy who sent {@code release} before {@code keptUntil}; null when keepFor ran out
 * @param oldDataDir {@code into: node}: where the replica's old data directory was kept ({@code keepOldDataDir}); null
 *     when it was removed after the verify, and for a scratch restore
 */
public record PointInTimeRestoreResult(RunReport report, String node, String host, int port, String dataDir,
                                       String backupLabel, String targetType, String target, String reached,
                                       String keptUntil, String releasedBy,
                                       String oldDataDir) {}
