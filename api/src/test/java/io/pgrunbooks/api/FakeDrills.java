package io.pgrunbooks.api;

import io.pgrunbooks.workflows.common.SearchAttributes;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.worker.WorkerFactory;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A stand-in registered under the workflow type {@code FailoverDrill} that returns, as its result,
 * the drill outcome it is given: the drill chart reads completed drills as generic JSON, so it can
 * be tested before (and independently of) the real FailoverDrill runbook.
 */
final class FakeDrills {
  private static final String QUEUE = "api-test-fake-drills";

  /** The fake drill: its result is its input. */
  @WorkflowInterface
  public interface FakeDrill {
    @WorkflowMethod(name = "FailoverDrill")
    Map<String, Object> run(Map<String, Object> outcome);
  }

  public static final class FakeDrillImpl implements FakeDrill {
    @Override
    public Map<String, Object> run(Map<String, Object> outcome) {
      return outcome;
    }
  }

  private FakeDrills() {}

  /** Runs one fake drill per outcome on {@code cluster} (a search attribute) and waits for each result. */
  static void run(WorkflowClient client, String cluster, List<Map<String, Object>> outcomes) {
    WorkerFactory factory = WorkerFactory.newInstance(client);
    factory.newWorker(QUEUE).registerWorkflowImplementationTypes(FakeDrillImpl.class);
    factory.start();
    try {
      for (Map<String, Object> outcome : outcomes) {
        FakeDrill drill = client.newWorkflowStub(FakeDrill.class, WorkflowOptions.newBuilder()
            .setTaskQueue(QUEUE)
            .setWorkflowId("failover-drill:" + cluster + ":" + UUID.randomUUID())
            .setTypedSearchAttributes(io.temporal.common.SearchAttributes.newBuilder().set(SearchAttributes.CLUSTER, cluster).build())
            .build());
        drill.run(outcome);
      }
    } finally {
      factory.shutdown();
    }
  }

  /** One drill outcome as the real runbook reports it. */
  static Map<String, Object> outcome(String startedAt, boolean passed, long writeUnavailableMillis) {
    return Map.of("startedAt", startedAt, "passed", passed, "writeUnavailableMillis", writeUnavailableMillis,
        "timeToPromoteMillis", writeUnavailableMillis / 2,
        "criteria", List.of(Map.of("name", "write unavailability under 30 s", "passed", passed,
            "evidence", writeUnavailableMillis + " ms")));
  }
}
