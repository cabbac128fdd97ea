package io.pgrunbooks.workflows.backup;

/**
 * Input of {@code dumpToStore}.
 *
 * @param backupKey the backup's folder, {@code <prefix>/backups/<cluster>/<database>/<UTC timestamp>}
 */
public record DumpInput(String cluster, String database, String node, String backupKey, String workflowId,
                        String runId) {}
