package io.pgrunbooks.workflows.approval;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.workflows.activities.ApprovalPolicy;
import io.pgrunbooks.workflows.activities.Notification;
import io.pgrunbooks.workflows.common.RunReport;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reminders at fractions of the approval timeout and the expiry notice, under time skipping. */
class ApprovalRemindersWorkflowTest extends GateTestSupport {
  // The first notification's activity is scheduled a moment after the request was asked.
  private static final Duration SLACK = Duration.ofSeconds(1);

  @Test
  void remindersFireAtHalfAndNinetyPercentThenTheExpiryIsSent() {
    GatedTestWorkflow wf = startAndAwaitApproval();

    RunReport report = result(wf);

    assertThat(report.outcome().name()).isEqualTo("TIMED_OUT");
    assertThat(notify.events()).containsExactly(Notification.APPROVAL_NEEDED, Notification.APPROVAL_REMINDER,
        Notification.APPROVAL_REMINDER, Notification.APPROVAL_EXPIRED, Notification.COMPLETED);
    Instant asked = notify.scheduled.get(0);
    assertThat(Duration.between(asked, notify.scheduled.get(1))).isCloseTo(Duration.ofHours(12), SLACK);
    assertThat(Duration.between(asked, notify.scheduled.get(2))).isCloseTo(Duration.ofMinutes(24 * 60 * 9 / 10), SLACK);
    assertThat(Duration.between(asked, notify.scheduled.get(3))).isCloseTo(Duration.ofHours(24), SLACK);
    assertThat(notify.sent.get(1).text()).contains("Reminder: approval still needed", "50% of its time passed",
        "12h left");
    assertThat(notify.sent.get(2).text()).contains("90% of its time passed", "2h 24m left");
    assertThat(notify.sent.get(3).text()).contains("Approval expired", "no decision by the deadline");
    assertThat(notify.sent.stream().map(Notification::keyOrDerived).toList()).doesNotHaveDuplicates().allSatisfy(k ->
        assertThat(k).startsWith(WORKFLOW_ID + "/"));
    assertThat(notify.sent.get(1).key()).endsWith("/approval-reminder/" + FIRST + "/50%");
  }

  @Test
  void configuredFractionsAndADecisionStopsFurtherReminders() {
    ApprovalPolicy p = Fakes.policy(1, List.of(), false);
    approvals.policy = new ApprovalPolicy(p.approvers(), p.allowedRoles(), 1, 24 * 3600, List.of(), false, p.uiUrl(),
        List.of(0.25, 0.75));
    GatedTestWorkflow wf = startAndAwaitApproval();

    env.sleep(Duration.ofHours(7));
    wf.decide(approveBy("alice"));
    RunReport report = resultAfterDecision(wf, FIRST);

    assertThat(report.outcome().name()).isEqualTo("COMPLETED");
    assertThat(notify.events()).containsExactly(Notification.APPROVAL_NEEDED, Notification.APPROVAL_REMINDER,
        Notification.COMPLETED);
    assertThat(Duration.between(notify.scheduled.get(0), notify.scheduled.get(1))).isCloseTo(Duration.ofHours(6), SLACK);
    assertThat(notify.sent.get(1).fields()).containsKey("howToApprove");
  }
}
