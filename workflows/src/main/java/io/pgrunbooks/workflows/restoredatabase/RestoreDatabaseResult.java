package io.pgrunbooks.workflows.restoredatabase;

import io.pgrunbooks.workflows.restoredatabase.RestoreDatabaseActivities.RestoredDatabase;
import io.pgrunbooks.workflows.common.RunReport;
import java.util.List;

/**
 * Result of {@code RestoreDatabase}.
 *
 * @param backupKey the backup restored
 * @param restored what the restore did; null in a dry run
 * @param differences tables whose restored count differs from the manifest (empty when verified)
 * @param liveDatabase the name the restored data is reachable under at the end: {@code database} after a swap,
 *     else {@code targetDatabase}
 * @param previousDatabase after a swap, the name the old live database was renamed to (never dropped); else null
 */
public record RestoreDatabaseResult(RunReport report, String backupKey, RestoredDatabase restored,
                                    List<String> differences, String liveDatabase, String previousDatabase) {}
