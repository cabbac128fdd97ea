package io.pgrunbooks.workflows.vacuumanalyze;

import io.pgrunbooks.workflows.common.WorkflowTypes;
import io.pgrunbooks.workflows.runbook.Runbook;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Plain {@code VACUUM (ANALYZE)} of the tables that need it (dead-tuple ratio, time since the last (auto)vacuum or
 * analyze, {@code age(relfrozenxid)}; tables near wraparound first, frozen and reported urgent), one table per
 * activity, pausing while a replica lags and stopping at the end of the window. Not destructive: no approval.
 */
@WorkflowInterface
public interface VacuumAnalyzeWorkflow extends Runbook {
  @WorkflowMethod(name = WorkflowTypes.VACUUM_ANALYZE)
  VacuumAnalyzeResult run(VacuumAnalyzeInput input);
}
