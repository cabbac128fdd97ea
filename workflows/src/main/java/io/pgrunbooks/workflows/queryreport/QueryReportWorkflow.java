package io.pgrunbooks.workflows.queryreport;

import io.pgrunbooks.workflows.common.WorkflowTypes;
import io.pgrunbooks.workflows.runbook.Runbook;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Read-only, schedulable report on a database's statements (pg_stat_statements deltas since the previous report,
 * plans, what-if indexes with HypoPG) and its indexes (unused on every node, duplicate, INVALID, bloated).
 */
@WorkflowInterface
public interface QueryReportWorkflow extends Runbook {
  @WorkflowMethod(name = WorkflowTypes.QUERY_REPORT)
  QueryReportResult run(QueryReportInput input);
}
