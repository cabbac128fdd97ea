package io.pgrunbooks.workflows.restoredrill;

import java.util.List;

/**
 * What the restored instance holds, read by {@link RestoreDrillActivities#drillCheck}.
 *
 * @param inRecovery {@code pg_is_in_recovery()}: false once recovery reached the target and promoted
 * @param timeline the restored instance's timeline ({@code pg_control_checkpoint().timeline_id})
 * @param beforePresent this drill's "before" sentinel is there (false when there was none)
 * @param afterPresent this drill's "after" sentinel is there (it must not be)
 * @param earlierPresent how many of the earlier drills' sentinels written before the target are there
 * @param tables row counts of the tables not written since the target
 * @param writtenTables how many tables were left out because they were written since (or stats were reset)
 * @param indexesChecked B-tree indexes {@code bt_index_check} went through
 * @param amcheckErrors what amcheck reported (empty = no corruption); one line per index
 */
public record DrillFacts(boolean inRecovery, long timeline, boolean beforePresent, boolean afterPresent,
                         long earlierPresent, List<TableCheck> tables, int writtenTables, int indexesChecked,
                         List<String> amcheckErrors) {
  public DrillFacts {
    tables = tables == null ? List.of() : List.copyOf(tables);
    amcheckErrors = amcheckErrors == null ? List.of() : List.copyOf(amcheckErrors);
  }
}
