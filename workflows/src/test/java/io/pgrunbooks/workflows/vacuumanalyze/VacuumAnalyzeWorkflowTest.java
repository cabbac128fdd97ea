package io.pgrunbooks.workflows.vacuumanalyze;

import static io.pgrunbooks.workflows.replay.TestEnvironments.assertApplicationFailure;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.workflows.activities.Notification;
import io.pgrunbooks.workflows.activities.VacuumActivities.TableVacuum;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.StepRecord;
import io.pgrunbooks.workflows.replay.TestEnvironments;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** VacuumAnalyze's orchestration with scripted activities: order, replica pauses, the window, bad input. */
class VacuumAnalyzeWorkflowTest {
  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private final VacuumFakes fakes = new VacuumFakes();

  @BeforeEach
  void setUp() {
    env = TestEnvironments.newEnvironment();
    client = fakes.start(env);
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  private VacuumAnalyzeResult run(VacuumAnalyzeInput in) {
    return VacuumFakes.stub(client).run(in);
  }

  @Test
  void wraparoundTableIsFrozenFirstWithoutApprovalAndTheRunReportsItUrgent() {
    VacuumAnalyzeResult r = run(VacuumAnalyzeInput.of("main", "app", null));

    assertThat(fakes.calls).containsExactly("inspect []", "lag 0.0", "vacuum public.ledger freeze", "lag 0.0",
        "vacuum public.events");
    assertThat(r.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(r.report().approvals()).isEmpty();
    assertThat(r.urgent()).containsExactly("public.ledger");
    assertThat(r.left()).isEmpty();
    assertThat(r.done()).extracting(TableVacuum::table, TableVacuum::deadBefore, TableVacuum::deadAfter,
        TableVacuum::pagesRemoved).containsExactly(
            org.assertj.core.groups.Tuple.tuple("public.ledger", 0L, 0L, 40L),
            org.assertj.core.groups.Tuple.tuple("public.events", 8_000L, 0L, 80L));
    assertThat(r.report().steps()).extracting(StepRecord::name).contains("VACUUM (FREEZE, ANALYZE) public.ledger",
        "VACUUM (ANALYZE) public.events");
    assertThat(r.report().steps()).filteredOn(s -> s.name().equals("VACUUM (ANALYZE) public.events")).singleElement()
        .satisfies(s -> assertThat(s.detail()).isEqualTo("public.events: dead tuples 8000 -> 0, 80 page(s) removed"
            + " (100 -> 20), 1.5 s"));
    assertThat(r.report().summary()).startsWith("urgent: tables near transaction-id wraparound");
    assertThat(fakes.notifications).singleElement().satisfies(n -> {
      assertThat(n.event()).isEqualTo(Notification.FINDINGS);
      assertThat(n.severity()).isEqualTo(Notification.WARNING);
      assertThat(n.text()).contains("public.ledger").contains("all were frozen now");
    });
  }

  @Test
  void laggingReplicaPausesTheRunOnADurableTimerUntilItCatchesUp() {
    fakes.lags.clear();
    fakes.lags.addAll(List.of(45.0, 45.0, 0.0));
    VacuumAnalyzeResult r = run(VacuumAnalyzeInput.of("main", "app", List.of("public.events")));

    assertThat(fakes.calls).containsExactly("inspect [public.events]", "lag 45.0", "lag 45.0", "lag 0.0",
        "vacuum public.events");
    assertThat(r.replicaPauses()).isEqualTo(1);
    assertThat(r.report().steps()).filteredOn(s -> s.name().equals("paused for replica lag")).singleElement()
        .satisfies(s -> {
          assertThat(s.detail()).isEqualTo("pg2 replays 45 s behind (max 30 s); resumed");
          assertThat(java.time.Duration.between(s.start(), s.end()))
              .isGreaterThanOrEqualTo(VacuumAnalyzeWorkflowImpl.LAG_RECHECK.multipliedBy(2));
        });
    assertThat(r.report().summary()).contains("1 table(s) processed").contains("paused 1 time(s)");
  }

  @Test
  void windowEndingDuringAPauseLeavesEveryTableAndAnUnfrozenWraparoundTablePages() {
    fakes.lags.clear();
    fakes.lags.add(120.0);
    VacuumAnalyzeResult r = run(VacuumAnalyzePaths.withWindow("3m"));

    assertThat(fakes.calls).noneMatch(c -> c.startsWith("vacuum"));
    assertThat(r.left()).containsExactly("public.ledger", "public.events");
    assertThat(r.done()).isEmpty();
    assertThat(fakes.notifications).singleElement().satisfies(n -> {
      assertThat(n.severity()).isEqualTo(Notification.CRITICAL);
      assertThat(n.text()).contains("NOT frozen (the window ended or the VACUUM failed): [public.ledger]");
    });
  }

  @Test
  void windowEndingMidVacuumCancelsItAndReportsTheRestAsLeft() {
    fakes.slowTable = "public.events";
    VacuumAnalyzeResult r = run(VacuumAnalyzePaths.withWindow("2s"));

    assertThat(r.done()).extracting(TableVacuum::table).containsExactly("public.ledger");
    assertThat(r.left()).containsExactly("public.events");
    assertThat(r.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(r.report().steps()).filteredOn(s -> s.name().equals("VACUUM (ANALYZE) public.events")).singleElement()
        .satisfies(s -> assertThat(s.detail()).isEqualTo("cancelled at the end of the window"));
    assertThat(r.report().summary()).contains("left for the next run (the window ended): [public.events]");
  }

  @Test
  void aTableWhoseVacuumKeepsFailingIsReportedAndTheOthersAreStillVacuumed() {
    fakes.failingTable = "public.ledger";
    VacuumAnalyzeResult r = run(VacuumAnalyzeInput.of("main", "app", null));

    assertThat(fakes.calls).contains("vacuum public.ledger freeze", "vacuum public.events");
    assertThat(r.done()).extracting(TableVacuum::table).containsExactly("public.events");
    assertThat(r.failed()).singleElement().satisfies(f -> assertThat(f).startsWith("public.ledger: ")
        .contains("canceling statement due to lock timeout"));
    assertThat(r.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(r.report().steps()).filteredOn(s -> s.name().equals("VACUUM (FREEZE, ANALYZE) public.ledger"))
        .singleElement().satisfies(s -> assertThat(s.status()).isEqualTo(StepRecord.FAILED));
    assertThat(fakes.notifications).singleElement().satisfies(n -> {
      assertThat(n.severity()).isEqualTo(Notification.CRITICAL);
      assertThat(n.text()).contains("NOT frozen (the window ended or the VACUUM failed): [public.ledger]")
          .contains("VACUUM failed after its retries: [public.ledger: ");
    });
  }

  @Test
  void badInputFailsBeforeAnyActivityAndDryRunVacuumsNothing() {
    assertApplicationFailure(() -> run(VacuumAnalyzeInput.of("main", "app", List.of("orders"))),
        FailureTypes.BAD_INPUT, "schema.name");
    assertApplicationFailure(() -> run(new VacuumAnalyzeInput("main", "app", null, 2.0, null, null, null, null, false,
        null, null)), FailureTypes.BAD_INPUT, "minDeadTupleRatio");
    assertThat(fakes.calls).isEmpty();

    VacuumAnalyzeResult dry = run(new VacuumAnalyzeInput("main", "app", null, null, null, null, null, null, true, null,
        null));
    assertThat(fakes.calls).containsExactly("inspect []");
    assertThat(dry.report().plan()).containsExactly(
        "VACUUM (FREEZE, ANALYZE) public.ledger -- age(relfrozenxid) 190000000 >= 0.8 x autovacuum_freeze_max_age"
            + " 200000000: wraparound risk",
        "VACUUM (ANALYZE) public.events -- 80% dead (8000 of 10000)");
    assertThat(dry.report().summary()).startsWith("dry run: 2 table(s) would be processed");
  }
}
