package io.pgrunbooks.workflows.restoredrill;

/**
 * Input of the node agent's {@link DrillScratchActivities#drillRestore}.
 *
 * @param scratch the scratch instance's name, from the workflow id ({@link RestoreDrillRules#scratchName}): its data
 *     directory, so a retry or a later cleanup finds what an earlier attempt left
 * @param backupLabel the backup to restore ({@code --set})
 * @param target {@code --type=time --target=<target>}
 */
public record DrillRestoreCall(String cluster, String scratch, String backupLabel, String target) {}
