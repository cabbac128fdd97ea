package io.pgrunbooks.workflows.integritycheck;

import static io.pgrunbooks.workflows.replay.TestEnvironments.assertApplicationFailure;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.workflows.activities.IntegrityActivities.Corruption;
import io.pgrunbooks.workflows.activities.Notification;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.replay.TestEnvironments;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** IntegrityCheck's decisions with scripted activities. */
class IntegrityCheckWorkflowTest {
  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private final IntegrityCheckFakes fakes = new IntegrityCheckFakes();

  @BeforeEach
  void setUp() {
    env = TestEnvironments.newEnvironment();
    client = fakes.start(env);
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void cleanDatabaseCompletesWithoutFindingsAndChecksOnTheReplica() {
    IntegrityCheckResult r = IntegrityCheckFakes.stub(client).run(IntegrityCheckInput.of("main", "app"));
    assertThat(r.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(r.findings()).isEmpty();
    assertThat(r.amcheck().node()).isEqualTo("pg2");
    assertThat(fakes.calls).containsExactly("plan null", "checksums", "amcheck pg2");
    assertThat(fakes.sent).extracting(Notification::event).doesNotContain(Notification.FINDINGS);
  }

  @Test
  void corruptIndexAndChecksumFailuresPageAsCriticalFindingsWithAmchecksMessage() {
    fakes.corruptions = List.of(new Corruption("public.orders_pkey", "btree",
        "item order invariant violated for index \"orders_pkey\""));
    fakes.checksumFailuresOnPg1 = 2;
    IntegrityCheckResult r = IntegrityCheckFakes.stub(client).run(new IntegrityCheckInput("main", "app", null, null,
        true, false, "cron", null));
    assertThat(r.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(r.findings()).containsExactly(
        "btree public.orders_pkey on pg2: item order invariant violated for index \"orders_pkey\"",
        "pg1: 2 checksum failure(s): app: 2, last at 2026-12-06 03:00:00+00");
    assertThat(fakes.calls).contains("amcheck pg2 heapallindexed");
    Notification page = fakes.sent.stream().filter(n -> Notification.FINDINGS.equals(n.event())).findFirst()
        .orElseThrow();
    assertThat(page.severity()).isEqualTo(Notification.CRITICAL);
    assertThat(page.text()).contains("item order invariant violated").contains("checksum failure");
  }

  @Test
  void dryRunPlansWithoutCreatingAndReadsCountersButRunsNoAmcheck() {
    fakes.checksumFailuresOnPg1 = 1;
    IntegrityCheckResult r = IntegrityCheckFakes.stub(client).run(new IntegrityCheckInput("main", "app", null, null,
        null, true, null, null));
    assertThat(fakes.calls).containsExactly("plan null dry-run", "checksums");
    assertThat(r.amcheck()).isNull();
    assertThat(r.report().summary()).startsWith("dry run: amcheck not run");
    assertThat(r.findings()).singleElement().asString().contains("1 checksum failure");
  }

  @Test
  void badInputFailsBeforeAnyActivity() {
    assertApplicationFailure(() -> IntegrityCheckFakes.stub(client).run(new IntegrityCheckInput("main", "app", null,
        List.of("orders; drop table x"), null, false, null, null)), FailureTypes.BAD_INPUT, "schema.name");
    assertApplicationFailure(() -> IntegrityCheckFakes.stub(client).run(IntegrityCheckInput.of("main", " ")),
        FailureTypes.BAD_INPUT, "required");
    assertApplicationFailure(() -> IntegrityCheckFakes.stub(client).run(new IntegrityCheckInput("main", "app",
        "pg2'--", null, null, false, null, null)), FailureTypes.BAD_INPUT, "node");
    assertThat(fakes.calls).isEmpty();
  }
}
