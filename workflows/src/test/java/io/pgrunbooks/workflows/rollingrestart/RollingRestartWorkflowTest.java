package io.pgrunbooks.workflows.rollingrestart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrunbooks.workflows.approval.ApprovalSignal;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.replay.TestEnvironments;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RollingRestartWorkflowTest {
  private TestWorkflowEnvironment env;
  private RollingFakes fakes;

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void directRestartsTheReplicaThenSwitchesOverAndRejoinsTheOldPrimaryWithTheNewValue() {
    RollingRestartWorkflow run = start("direct");
    CompletableFuture<RollingRestartResult> done = WorkflowClient.execute(run::run, input(Map.of("max_connections", "150")));
    var pending = awaitPending(run);
    assertThat(pending.evidence().get("diff")).contains("pg1 (primary): max_connections 100 → 150 (restart)")
        .contains("pg2 (replica): max_connections 100 → 150 (restart)");
    assertThat(fakes.calls).isEmpty();
    run.approve(new ApprovalSignal(pending.requestId(), "alice", "go", null));

    RollingRestartResult r = done.join();
    assertThat(r.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(r.restarted()).containsExactly("pg2", "pg1");
    assertThat(r.primaryBefore()).isEqualTo("pg1");
    assertThat(r.primaryAfter()).isEqualTo("pg2");
    assertThat(fakes.calls).containsExactly("alterSystem pg1 {max_connections=150}",
        "alterSystem pg2 {max_connections=150}", "stop pg2", "start pg2", "catchUp pg2 from pg1", "pause",
        "stop pg1 for switchover", "promote pg2", "awaitWritable pg2", "repoint pg2", "resume", "slot pg1 on pg2",
        "rewind pg1 from pg2", "catchUp pg1 from pg2");
    assertThat(fakes.nodes.values()).allSatisfy(n -> assertThat(n.live.get("max_connections")).isEqualTo("150"));
  }

  @Test
  void aReloadParameterNeedsNoRestartAndNoSwitchover() {
    RollingRestartWorkflow run = start("direct");
    CompletableFuture<RollingRestartResult> done = WorkflowClient.execute(run::run,
        input(Map.of("checkpoint_timeout", "10min")));
    var pending = awaitPending(run);
    assertThat(pending.evidence().get("diff")).contains("pg2 (replica): checkpoint_timeout 300s → 10min (reload)");
    run.approve(new ApprovalSignal(pending.requestId(), "alice", "go", null));

    RollingRestartResult r = done.join();
    assertThat(r.restartNeeded()).isFalse();
    assertThat(r.restarted()).isEmpty();
    assertThat(r.primaryAfter()).isEqualTo("pg1");
    assertThat(fakes.calls).containsExactly("alterSystem pg1 {checkpoint_timeout=10min}",
        "alterSystem pg2 {checkpoint_timeout=10min}");
    assertThat(fakes.nodes.get("pg2").live.get("checkpoint_timeout")).isEqualTo("600");
  }

  @Test
  void unknownNamesAndRejectedValuesAreRefusedTogetherBeforeAnythingChanges() {
    RollingRestartWorkflow run = start("direct");
    TestEnvironments.assertApplicationFailure(() -> run.run(input(Map.of("max_conections", "150",
            "checkpoint_timeout", "10 fortnights", "work_mem", "64MB"))), FailureTypes.BAD_INPUT,
        "unknown parameter 'max_conections'");
    assertThat(fakes.calls).isEmpty();
  }

  @Test
  void aValueLiveEverywhereAlreadyEndsWithoutApprovalOrChange() {
    RollingRestartWorkflow run = start("direct");
    RollingRestartResult r = run.run(input(Map.of("max_connections", "100")));

    assertThat(r.report().summary()).contains("nothing to do");
    assertThat(r.report().approvals()).isEmpty();
    assertThat(fakes.calls).isEmpty();
  }

  @Test
  void aNewRunAfterAPartialOneSkipsTheReplicaAlreadyRestarted() {
    env = TestEnvironments.newEnvironment();
    fakes = new RollingFakes("direct");
    fakes.nodes.get("pg2").file.put("max_connections", "150");
    fakes.nodes.get("pg2").restart();
    fakes.nodes.get("pg1").file.put("max_connections", "150"); // applied, waiting for its restart
    fakes.register(env);
    RollingRestartWorkflow run = stub();
    CompletableFuture<RollingRestartResult> done = WorkflowClient.execute(run::run, input(Map.of("max_connections", "150")));
    var pending = awaitPending(run);
    assertThat(pending.evidence().get("diff")).contains("pg2 (replica): max_connections 100 → 150 (already live)".replace(
        "100", "150"));
    run.approve(new ApprovalSignal(pending.requestId(), "alice", "go", null));

    RollingRestartResult r = done.join();
    assertThat(r.restarted()).containsExactly("pg1");
    assertThat(fakes.calls).doesNotContain("stop pg2", "alterSystem pg2 {max_connections=150}")
        .contains("promote pg2", "rewind pg1 from pg2");
  }

  @Test
  void aRejectionChangesNothing() {
    RollingRestartWorkflow run = start("direct");
    CompletableFuture<RollingRestartResult> done = WorkflowClient.execute(run::run, input(Map.of("max_connections", "150")));
    awaitPending(run);
    run.reject(new ApprovalSignal(null, "bob", "not today", null));

    assertThat(done.join().report().outcome()).isEqualTo(RunbookState.REJECTED);
    assertThat(fakes.calls).isEmpty();
  }

  @Test
  void aDryRunShowsTheDiffAndChangesNothing() {
    RollingRestartWorkflow run = start("direct");
    RollingRestartResult r = run.run(new RollingRestartInput("main", Map.of("max_connections", "150"), true, "alice",
        "plan"));

    assertThat(r.report().summary()).startsWith("dry run: 2 settings would change with a rolling restart");
    assertThat(r.diff()).hasSize(2);
    assertThat(fakes.calls).isEmpty();
  }

  @Test
  void onPatroniTheConfigIsPatchedAndPatroniRestartsAndSwitchesOverWithoutTheNodeAgents() {
    RollingRestartWorkflow run = start("patroni");
    CompletableFuture<RollingRestartResult> done = WorkflowClient.execute(run::run, input(Map.of("max_connections", "150")));
    var pending = awaitPending(run);
    run.approve(new ApprovalSignal(pending.requestId(), "alice", "go", null));

    RollingRestartResult r = done.join();
    assertThat(r.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(r.restarted()).containsExactly("pg2", "pg1");
    assertThat(r.primaryAfter()).isEqualTo("pg2");
    assertThat(fakes.calls).containsExactly("patch {max_connections=150}", "patroni restart pg2", "catchUp pg2 from pg1",
        "pause", "patroni switchover pg1 -> pg2", "awaitWritable pg2", "repoint pg2", "resume", "catchUp pg1 from pg2");
  }

  @Test
  void aFailedRewindOfTheOldPrimaryFallsBackToAReplicaRebuildThatCarriesTheNewValue() {
    RollingRestartWorkflow run = start("direct");
    fakes.rewindFails = true;
    CompletableFuture<RollingRestartResult> done = WorkflowClient.execute(run::run, input(Map.of("max_connections", "150")));
    run.approve(new ApprovalSignal(awaitPending(run).requestId(), "alice", "go", null));

    RollingRestartResult r = done.join();
    assertThat(r.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(r.primaryAfter()).isEqualTo("pg2");
    assertThat(fakes.calls).containsSubsequence("promote pg2", "rewind pg1 from pg2",
        "rebuild pg1 from pg2 (requested by carol)", "catchUp pg1 from pg2");
    assertThat(r.report().log()).anySatisfy(l -> assertThat(l).contains("pg_rewind of pg1 failed")
        .contains("could not find common ancestor"));
    assertThat(r.report().changes()).anySatisfy(c -> assertThat(c).contains("pg1 rebuilt as a replica of pg2"));
    assertThat(fakes.nodes.values()).allSatisfy(n -> assertThat(n.live.get("max_connections")).isEqualTo("150"));
  }

  @Test
  void whenTheRebuildAfterAFailedRewindFailsTooTheRunFailsNamingTheStoppedNode() {
    RollingRestartWorkflow run = start("direct");
    fakes.rewindFails = true;
    fakes.rebuildOutcome = RunbookState.FAILED;
    CompletableFuture<RollingRestartResult> done = WorkflowClient.execute(run::run, input(Map.of("max_connections", "150")));
    run.approve(new ApprovalSignal(awaitPending(run).requestId(), "alice", "go", null));

    assertThatThrownBy(done::join).rootCause().isInstanceOf(ApplicationFailure.class)
        .satisfies(e -> {
          assertThat(((ApplicationFailure) e).getType()).isEqualTo(DirectRestarts.REBUILD_FAILED);
          assertThat(((ApplicationFailure) e).getOriginalMessage()).startsWith("pg1 is stopped: pg_rewind failed")
              .contains("ReplicaRebuild ended FAILED").contains("pg2 is the primary");
        });
    assertThat(fakes.nodes.get("pg2").inRecovery).isFalse();
  }

  private RollingRestartWorkflow start(String topology) {
    env = TestEnvironments.newEnvironment();
    fakes = new RollingFakes(topology);
    fakes.register(env);
    return stub();
  }

  private RollingRestartWorkflow stub() {
    return env.getWorkflowClient().newWorkflowStub(RollingRestartWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.CENTRAL).setWorkflowId("rolling-restart:main").build());
  }

  private static RollingRestartInput input(Map<String, String> parameters) {
    return new RollingRestartInput("main", parameters, false, "carol", "more app servers");
  }

  private static io.pgrunbooks.workflows.common.PendingApproval awaitPending(RollingRestartWorkflow run) {
    TestEnvironments.awaitTrue(() -> !run.progress().pendingApprovals().isEmpty(), "an approval is pending");
    return run.progress().pendingApprovals().get(0);
  }

}
