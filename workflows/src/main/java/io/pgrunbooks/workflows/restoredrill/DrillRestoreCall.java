package io.pgrunbooks.workflows.restoredrill;

/**
 * Input of the node agent's {@link DrillScratchActivities#drillRestore}.
 *
 * @param scratch the scratch instance's name, from the workflow id ({@link RestoreDrillRules#scratchName}): its data
 *     directory, so a retry or a later cleanup finds what an earlier attempt left
 * @param backupLabel the backup to restore ({@code --set})
 * @param target {@code --target=<target>}
 * @param targetType {@code --type}: {@code time} (null means time, as RestoreDrill sends it), {@code lsn} or
 *     {@code name}
 */
public record DrillRestoreCall(String cluster, String scratch, String backupLabel, String target, String targetType) {
  public static final String TIME = "time";
  public static final String LSN = "lsn";
  public static final String NAME = "name";

  public DrillRestoreCall(String cluster, String scratch, String backupLabel, String target) {
    this(cluster, scratch, backupLabel, target, TIME);
  }

  /** The {@code --type} pgBackRest gets. */
  public String type() {
    return targetType == null ? TIME : targetType;
  }
}
