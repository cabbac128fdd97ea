package io.pgrunbooks.workflows.restoredrill;

import io.pgrunbooks.workflows.common.RunReport;
import java.util.List;

/**
 * Result of {@code RestoreDrill}.
 *
 * @param node the node whose agent restored the scratch instance
 * @param backupLabel the backup restored
 * @param target the recovery target ({@code 2026-12-06 14:02:00.123456+00})
 * @param rtoSeconds seconds from the start of the restore to a queryable instance; -1 when it never got there
 * @param rpoSeconds age of the newest archived WAL when the drill started; -1 when none was archived
 * @param checks every verdict (recovery target, sentinels, row counts, amcheck, objectives)
 * @param passed true when every check passed
 */
public record RestoreDrillResult(RunReport report, String node, String backupLabel, String target, double rtoSeconds,
                                 long rpoSeconds, List<DrillCheck> checks, boolean passed) {}
