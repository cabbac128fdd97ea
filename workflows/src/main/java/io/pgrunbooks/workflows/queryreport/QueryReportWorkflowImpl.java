package io.pgrunbooks.workflows.queryreport;

import io.pgrunbooks.workflows.activities.Notification;
import io.pgrunbooks.workflows.activities.QueryReportActivities;
import io.pgrunbooks.workflows.activities.QueryReportActivities.IndexHealth;
import io.pgrunbooks.workflows.activities.QueryReportActivities.IndexHealthInput;
import io.pgrunbooks.workflows.activities.QueryReportActivities.PlansInput;
import io.pgrunbooks.workflows.activities.QueryReportActivities.StatementPlan;
import io.pgrunbooks.workflows.activities.QueryReportActivities.StatementsInput;
import io.pgrunbooks.workflows.activities.QueryReportActivities.StatementsReport;
import io.pgrunbooks.workflows.common.ActivityStubs;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.Failures;
import io.pgrunbooks.workflows.common.RunRecorder;
import io.pgrunbooks.workflows.common.RunReport;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.WorkflowTypes;
import io.pgrunbooks.workflows.runbook.RunbookWorkflowBase;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.List;

/** See {@link QueryReportWorkflow}. Three reads; the decisions and the text are in {@link QueryReportRules}. */
public class QueryReportWorkflowImpl extends RunbookWorkflowBase implements QueryReportWorkflow {

  private final QueryReportActivities sql = Workflow.newActivityStub(QueryReportActivities.class,
      ActivityStubs.central(Duration.ofMinutes(5))
          .scheduleToClose(Duration.ofMinutes(20))
          .retry(ActivityStubs.retry(3, Duration.ofSeconds(2), Duration.ofSeconds(30)))
          .build());

  @Override
  public QueryReportResult run(QueryReportInput input) {
    String problem = QueryReportRules.inputProblem(input);
    if (problem != null) {
      throw ApplicationFailure.newNonRetryableFailure(problem, FailureTypes.BAD_INPUT);
    }
    String cluster = input.cluster().strip();
    String database = input.database().strip();
    String node = input.node() == null || input.node().isBlank() ? null : input.node().strip();
    String target = cluster + "/" + database;
    RunRecorder run = begin(WorkflowTypes.QUERY_REPORT, cluster, target, input);
    try {
      StatementsReport statements = run.step("statements", () -> sql.statements(new StatementsInput(cluster,
          database, node, input.topOrDefault(), Workflow.getInfo().getRunId(), !input.dryRun())),
          s -> s.byTotalTime().size() + " statement(s); " + s.baseline());
      List<StatementPlan> plans = run.step("plans", () -> sql.plans(new PlansInput(cluster, database,
          statements.node(), statements.worst(), QueryReportRules.LARGE_TABLE_BYTES)),
          p -> p.size() + " plan(s), " + p.stream().filter(x -> QueryReportRules.best(x) != null).count()
              + " with a what-if index");
      IndexHealth indexes = run.step("indexes", () -> sql.indexHealth(new IndexHealthInput(cluster, database)),
          h -> h.unused().size() + " unused, " + h.duplicates().size() + " duplicate, " + h.invalid().size()
              + " INVALID");
      statements.notes().forEach(run::log);
      indexes.notes().forEach(run::log);
      String text = QueryReportRules.text(target, statements, plans, indexes);
      String summary = QueryReportRules.summary(statements, plans, indexes);
      List<String> findings = QueryReportRules.findings(indexes);
      RunReport report = findings.isEmpty() ? finish(RunbookState.COMPLETED, summary)
          : finishWithFindings(Notification.WARNING, String.join("\n", findings), summary);
      return new QueryReportResult(report, target, statements, plans, indexes, text);
    } catch (RuntimeException e) {
      fail("QueryReport of " + target + " failed: " + Failures.describe(e));
      throw e;
    }
  }
}
