package io.pgrunbooks.workflows.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgrunbooks.workflows.archivepartition.ArchivePartitionWorkflowImpl;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.replay.TestEnvironments;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.converter.DataConverterException;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkflowImplementationOptions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A run started the way the Temporal UI starts one (an untyped stub with a JSON object) with a
 * misspelled field fails at once with the sentence, as the worker is wired (DataConverterException
 * fails the workflow), instead of a Jackson stack.
 */
class RunbookInputConverterTest {
  private TestWorkflowEnvironment env;

  @BeforeEach
  void start() {
    env = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
        .setWorkflowClientOptions(WorkflowClientOptions.newBuilder()
            .setDataConverter(RunbookInputConverter.jackson()).build())
        .build());
    TestEnvironments.registerSearchAttributes(env);
    Worker worker = env.newWorker(TaskQueues.CENTRAL);
    worker.registerWorkflowImplementationTypes(WorkflowImplementationOptions.newBuilder()
        .setFailWorkflowExceptionTypes(DataConverterException.class).build(), ArchivePartitionWorkflowImpl.class);
    env.start();
  }

  @AfterEach
  void stop() {
    env.close();
  }

  @Test
  void aMisspelledFieldFailsTheRunWithTheSentenceNotRetried() {
    WorkflowStub stub = env.getWorkflowClient().newUntypedWorkflowStub("ArchivePartition",
        WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.CENTRAL).setWorkflowId("archive-partition:ui-typo").build());
    stub.start(Map.of("cluster", "main", "database", "app", "partition", "public.t_2025_01", "dryrun", true));

    assertThatThrownBy(() -> stub.getResult(20, TimeUnit.SECONDS, JsonNode.class))
        .isInstanceOf(WorkflowFailedException.class)
        .satisfies(e -> {
          ApplicationFailure top = (ApplicationFailure) e.getCause();
          assertThat(top.getOriginalMessage()).isEqualTo("unknown input field \"dryrun\" for ArchivePartition; "
              + "did you mean \"dryRun\"? Its fields: cluster, database, partition, drop, force, deepVerify, dryRun, "
              + "requestedBy, reason");
          ApplicationFailure reason = (ApplicationFailure) top.getCause();
          assertThat(reason.getType()).isEqualTo(FailureTypes.BAD_INPUT);
          assertThat(reason.isNonRetryable()).isTrue();
          assertThat(reason.getOriginalMessage()).isEqualTo(top.getOriginalMessage());
        });
  }

  @Test
  void aWrongTypeFailsTheRunSayingWhatTheFieldTakes() {
    WorkflowStub stub = env.getWorkflowClient().newUntypedWorkflowStub("ArchivePartition",
        WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.CENTRAL).setWorkflowId("archive-partition:ui-type").build());
    stub.start(Map.of("cluster", "main", "database", "app", "partition", "public.t_2025_01", "drop", "maybe"));

    assertThatThrownBy(() -> stub.getResult(20, TimeUnit.SECONDS, JsonNode.class))
        .isInstanceOf(WorkflowFailedException.class)
        .satisfies(e -> assertThat(((ApplicationFailure) e.getCause()).getOriginalMessage())
            .isEqualTo("field \"drop\" of ArchivePartition must be true or false, got \"maybe\""));
  }
}
