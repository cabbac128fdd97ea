package io.pgrunbooks.workflows.restoredatabase;

import static io.pgrunbooks.workflows.replay.TestEnvironments.assertApplicationFailure;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.replay.TestEnvironments;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** RestoreDatabase's decisions with a scripted primary, bucket and PgBouncer. */
class RestoreDatabaseWorkflowTest {
  private static final String T = RestoreDatabaseFakes.TARGET;
  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private final RestoreDatabaseFakes fakes = new RestoreDatabaseFakes();

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
  void theNewestBackupIsRestoredIntoANewMarkedDatabaseAndItsCountsChecked() {
    RestoreDatabaseResult r = RestoreDatabaseFakes.execute(RestoreDatabaseFakes.stub(client),
        RestoreDatabaseInput.of("main", "app", T)).join();

    assertThat(r.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(r.backupKey()).isEqualTo(RestoreDatabaseFakes.KEY);
    assertThat(r.liveDatabase()).isEqualTo(T);
    assertThat(r.previousDatabase()).isNull();
    assertThat(fakes.databases.get(T)).startsWith("pg-runbooks RestoreDatabase restore-database:main:app_restored run ");
    assertThat(fakes.calls).containsExactly("inspect", "restore " + T, "count " + T);
    assertThat(r.report().summary()).contains("every exact count matches the manifest");
  }

  @Test
  void anApprovedSwapPausesRenamesBothAndResumesKeepingTheOldDatabase() {
    RestoreDatabaseWorkflow run = RestoreDatabaseFakes.stub(client);
    var done = RestoreDatabaseFakes.execute(run, RestoreDatabaseInput.of("main", "app", T).withSwap());
    TestEnvironments.awaitPendingApproval(run);
    var pending = run.progress().pendingApprovals().get(0);
    assertThat(pending.requestId()).startsWith(RestoreDatabaseWorkflowImpl.STEP);
    assertThat(pending.evidence().get("live app")).isEqualTo("50000000 bytes, 3 sessions connected now");
    assertThat(pending.evidence().get("restored " + T)).contains("2 tables whose exact counts match");
    assertThat(pending.evidence().get("old database kept as")).startsWith("app_before_");
    RestoreDatabaseFakes.approve(run, "alice");
    RestoreDatabaseResult r = done.join();

    assertThat(r.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(r.liveDatabase()).isEqualTo("app");
    assertThat(r.previousDatabase()).startsWith("app_before_");
    assertThat(fakes.databases).containsKeys("app", r.previousDatabase()).doesNotContainKey(T);
    assertThat(fakes.calls).containsSubsequence("pause app", "rename app " + r.previousDatabase(),
        "rename " + T + " app", "resume app");
    assertThat(fakes.calls).noneMatch(c -> c.startsWith("drop"));
  }

  @Test
  void aSwapThatCrashedAfterTheFirstRenameContinuesFromTheNamesThatExist() {
    fakes.crashAfterFirstRename = true;
    RestoreDatabaseWorkflow run = RestoreDatabaseFakes.stub(client);
    var done = RestoreDatabaseFakes.execute(run, RestoreDatabaseInput.of("main", "app", T).withSwap());
    RestoreDatabaseFakes.approve(run, "alice");
    RestoreDatabaseResult r = done.join();

    assertThat(r.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(fakes.calls.stream().filter(c -> c.startsWith("rename app ")).toList()).hasSize(2);
    assertThat(fakes.databases.get("app")).startsWith("pg-runbooks RestoreDatabase");
    assertThat(fakes.calls).last().isEqualTo("resume app");
  }

  @Test
  void aRejectedSwapKeepsTheRestoredDatabaseAndRenamesNothing() {
    RestoreDatabaseWorkflow run = RestoreDatabaseFakes.stub(client);
    var done = RestoreDatabaseFakes.execute(run, RestoreDatabaseInput.of("main", "app", T).withSwap());
    RestoreDatabaseFakes.reject(run);
    RestoreDatabaseResult r = done.join();

    assertThat(r.report().outcome()).isEqualTo(RunbookState.REJECTED);
    assertThat(r.liveDatabase()).isEqualTo(T);
    assertThat(fakes.calls).noneMatch(c -> c.startsWith("rename") || c.startsWith("pause"));
  }

  @Test
  void countsThatDifferFailTheRunKeepTheTargetAndSwapNothing() {
    fakes.restoredOrders = 999;
    RestoreDatabaseWorkflow run = RestoreDatabaseFakes.stub(client);
    assertApplicationFailure(() -> run.run(RestoreDatabaseInput.of("main", "app", T).withSwap()),
        RestoreDatabaseWorkflowImpl.NOT_VERIFIED, "public.orders");
    assertThat(fakes.databases).containsKey(T);
    assertThat(fakes.calls).noneMatch(c -> c.startsWith("rename") || c.startsWith("pause"));
  }

  @Test
  void anExistingTargetNotMadeByThisRunIsRefusedBeforeAnyChange() {
    fakes.databases.put(T, "someone's");
    assertApplicationFailure(() -> RestoreDatabaseFakes.stub(client).run(RestoreDatabaseInput.of("main", "app", T)),
        FailureTypes.SAFETY_REFUSED, "already exists and was not created by this run");
    assertThat(fakes.calls).containsExactly("inspect");
    assertThat(fakes.databases.get(T)).isEqualTo("someone's");
  }

  @Test
  void aConfiguredTargetAndBadNamesAreBadInput() {
    fakes.targetConfigured = true;
    assertApplicationFailure(() -> RestoreDatabaseFakes.stub(client).run(RestoreDatabaseInput.of("main", "app", T)),
        FailureTypes.BAD_INPUT, "is a configured database");
    assertThat(fakes.calls).containsExactly("inspect");
  }

  @Test
  void aDryRunPlansAndChangesNothing() {
    RestoreDatabaseInput in = new RestoreDatabaseInput("main", "app", T, null, true, true, null, null);
    RestoreDatabaseResult r = RestoreDatabaseFakes.execute(RestoreDatabaseFakes.stub(client), in).join();
    assertThat(r.report().summary()).startsWith("dry run");
    assertThat(fakes.calls).containsExactly("inspect");
    assertThat(fakes.databases).doesNotContainKey(T);
  }
}
