package io.pgrunbooks.workflows.queryreport;

import static io.pgrunbooks.workflows.replay.TestEnvironments.assertApplicationFailure;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.workflows.activities.Notification;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.replay.TestEnvironments;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** QueryReport's orchestration with scripted reads. */
class QueryReportWorkflowTest {
  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private final QueryReportFakes fakes = new QueryReportFakes();

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
  void reportCarriesDeltasPlansWhatIfGainAndIndexesAsJsonAndText() {
    QueryReportResult r = QueryReportFakes.stub(client).run(QueryReportInput.of("main", "app"));
    assertThat(r.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(r.target()).isEqualTo("main/app");
    assertThat(r.statements().byTotalTime()).containsExactly(QueryReportFakes.SLOW);
    assertThat(r.text()).contains("deltas since the previous report")
        .contains("seq scan of public.orders")
        .contains("what-if: CREATE INDEX ON public.orders USING btree (email) (~8000000 bytes): cost 4000.00 -> 8.50")
        .contains("Unused indexes (idx_scan = 0 on every node):\n  public.orders_old_idx on public.orders");
    assertThat(r.report().summary()).contains("1 with a what-if index").contains("1 unused");
    assertThat(fakes.calls).containsExactly("statements keep=true top=20", "plans 1 on pg1", "indexes");
    assertThat(fakes.notifications).noneMatch(n -> Notification.FINDINGS.equals(n.event()));
  }

  @Test
  void invalidIndexIsAWarningFindingAndDryRunKeepsNoSnapshot() {
    fakes.invalidIndex = true;
    QueryReportResult r = QueryReportFakes.stub(client).run(new QueryReportInput("main", "app", 5, null, true, null,
        null));
    assertThat(r.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(fakes.calls.get(0)).isEqualTo("statements keep=false top=5");
    assertThat(fakes.notifications).anySatisfy(n -> {
      assertThat(n.event()).isEqualTo(Notification.FINDINGS);
      assertThat(n.severity()).isEqualTo(Notification.WARNING);
      assertThat(n.text()).contains("INVALID index public.orders_email_key");
    });
  }

  @Test
  void badInputFailsBeforeAnyRead() {
    assertApplicationFailure(() -> QueryReportFakes.stub(client).run(new QueryReportInput("main", "app", 500, null,
        false, null, null)), FailureTypes.BAD_INPUT, "top must be between 1 and 100");
    assertApplicationFailure(() -> QueryReportFakes.stub(client).run(QueryReportInput.of("main", null)),
        FailureTypes.BAD_INPUT, "needs cluster and database");
    assertThat(fakes.calls).isEmpty();
  }
}
