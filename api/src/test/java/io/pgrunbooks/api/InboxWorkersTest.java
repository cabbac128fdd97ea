package io.pgrunbooks.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.WorkerFactory;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The inbox with the worker off, then on, on the real Temporal dev server: a second API in a namespace of
 * its own where nothing polls the central queue says so (and lists the run that waits for an approval from
 * visibility) instead of answering an empty list; once a worker polls, the inbox says it does.
 */
@ExtendWith(ApiFixture.Extension.class)
class InboxWorkersTest {
  private static ApiFixture api;

  @BeforeAll
  static void start() {
    api = ApiFixture.get();
  }

  /** A workflow type for the stand-in worker: it only has to poll the queue. */
  @WorkflowInterface
  public interface Idle {
    @WorkflowMethod
    void run();
  }

  public static final class IdleImpl implements Idle {
    @Override
    public void run() {}
  }

  @Test
  void withoutAWorkerTheInboxSaysNobodyPollsAndListsTheWaitingRunThenSaysTheWorkerPollsOnceOneRuns()
      throws Exception {
    try (ApiFixture.OtherApi other = api.apiInNewNamespace()) {
      WorkflowClient client = api.client(other);
      String id = api.strandedRun(other);

      JsonNode off = await(other, Duration.ofSeconds(60), inbox -> inbox.path("waitingRuns").size() == 1);
      assertThat(off.at("/workers/polling").asBoolean()).isFalse();
      assertThat(off.at("/workers/taskQueues/0/name").asText()).isEqualTo("pg-runbooks");
      assertThat(off.at("/workers/taskQueues/0/pollers").asInt()).isZero();
      assertThat(off.at("/workers/message").asText()).startsWith("no worker is polling pg-runbooks")
          .contains("start one with java -jar pg-runbooks-worker.jar worker --config");
      assertThat(off.path("approvals")).isEmpty();
      assertThat(off.at("/waitingRuns/0/workflowId").asText()).isEqualTo(id);
      assertThat(off.at("/waitingRuns/0/state").asText()).isEqualTo("AWAITING_APPROVAL");

      WorkerFactory factory = WorkerFactory.newInstance(client);
      factory.newWorker(TaskQueues.CENTRAL).registerWorkflowImplementationTypes(IdleImpl.class);
      factory.start();
      try {
        JsonNode on = await(other, Duration.ofSeconds(60), inbox -> inbox.at("/workers/polling").asBoolean());
        assertThat(on.at("/workers/taskQueues/0/pollers").asInt()).isPositive();
        assertThat(on.at("/workers/message").isNull()).isTrue();
        assertThat(on.path("waitingRuns")).as("listed only while no worker polls").isEmpty();
      } finally {
        factory.shutdownNow();
        client.newUntypedWorkflowStub(id).terminate("test done");
      }
    }
  }

  private static JsonNode await(ApiFixture.OtherApi other, Duration timeout,
                                java.util.function.Predicate<JsonNode> done) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    ApiFixture.Reply last = null;
    while (System.nanoTime() < end) {
      last = api.get(other, "alice", "/api/v1/approvals");
      if (last.status() == 200 && done.test(last.json())) {
        return last.json();
      }
      Thread.sleep(500);
    }
    throw new AssertionError("the inbox of namespace " + other.namespace() + " did not get there; last: "
        + (last == null ? "none" : last.status() + " " + last.text()));
  }
}
