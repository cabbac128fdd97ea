package io.pgrunbooks.workflows.approval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgrunbooks.workflows.activities.AuditReport;
import io.pgrunbooks.workflows.common.DataConverters;
import io.pgrunbooks.workflows.common.RunReport;
import io.pgrunbooks.workflows.common.RunbookState;
import io.temporal.client.WorkflowStub;
import org.junit.jupiter.api.Test;

/** The audit trail: every finished run hands its report to the bucket writer, whatever the outcome. */
class AuditReportWorkflowTest extends GateTestSupport {

  @Test
  void approvedRunWritesItsReportWithInputApproverAndComment() {
    GatedTestWorkflow wf = startAndAwaitApproval();
    wf.approve(signal(FIRST, "alice", "archive verified"));
    RunReport report = resultAfterDecision(wf, FIRST);

    assertThat(reports.written).hasSize(1);
    AuditReport written = reports.written.get(0);
    assertThat(written.workflowId()).isEqualTo(WORKFLOW_ID);
    assertThat(written.runId()).isEqualTo(WorkflowStub.fromTyped(wf).getExecution().getRunId());
    assertThat(written.report()).isEqualTo(report);
    assertThat(written.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(written.report().approvals()).anySatisfy(a -> {
      assertThat(a.approver()).isEqualTo("alice");
      assertThat(a.decision()).isEqualTo("APPROVED");
      assertThat(a.comment()).isEqualTo("archive verified");
    });
    JsonNode input = DataConverters.objectMapper().valueToTree(written.input());
    assertThat(input.path("partition").asText()).isEqualTo(PARTITION);
    assertThat(input.path("requestedBy").asText()).isEqualTo(REQUESTER);
  }

  @Test
  void rejectedRunIsWrittenTooWithTheRejection() {
    GatedTestWorkflow wf = startAndAwaitApproval();
    wf.reject(signal(FIRST, "bob", "not before the audit"));
    RunReport report = resultAfterDecision(wf, FIRST);

    assertThat(report.outcome()).isEqualTo(RunbookState.REJECTED);
    assertThat(reports.written).singleElement().satisfies(w -> {
      assertThat(w.report().outcome()).isEqualTo(RunbookState.REJECTED);
      assertThat(w.report().approvals()).anySatisfy(a -> assertThat(a.comment()).isEqualTo("not before the audit"));
    });
  }

  @Test
  void bucketThatStaysDownIsLoggedInTheRunWhichStillCompletes() {
    reports.failing = true;
    GatedTestWorkflow wf = startAndAwaitApproval();
    wf.approve(signal(FIRST, "alice", null));
    RunReport report = resultAfterDecision(wf, FIRST);

    assertThat(report.outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(reports.attempts).as("retried for its 10 minutes, not once").isGreaterThan(5);
    assertThat(wf.progress().log()).anySatisfy(line -> assertThat(line).contains("report not written to the bucket",
        "bucket answered 503"));
  }
}
