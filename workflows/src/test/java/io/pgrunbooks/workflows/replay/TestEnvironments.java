package io.pgrunbooks.workflows.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrunbooks.workflows.common.DataConverters;
import io.pgrunbooks.workflows.runbook.Runbook;
import io.pgrunbooks.workflows.common.SearchAttributes;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/** The in-memory Temporal every workflow test, recording and replay uses: project data converter, time skipping, search attributes. */
public final class TestEnvironments {
  private TestEnvironments() {}

  public static TestWorkflowEnvironment newEnvironment() {
    TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
        .setWorkflowClientOptions(WorkflowClientOptions.newBuilder().setDataConverter(DataConverters.jackson()).build())
        .setUseTimeskipping(true)
        .build());
    registerSearchAttributes(env);
    return env;
  }

  /** Registers the contract's search attributes ({@link SearchAttributes#DEFINITIONS}) with their types. */
  public static void registerSearchAttributes(TestWorkflowEnvironment env) {
    SearchAttributes.DEFINITIONS.forEach((name, type) -> env.registerSearchAttribute(name, switch (type) {
      case "Bool" -> IndexedValueType.INDEXED_VALUE_TYPE_BOOL;
      case "Int" -> IndexedValueType.INDEXED_VALUE_TYPE_INT;
      case "Keyword" -> IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
      default -> throw new IllegalArgumentException("search attribute " + name + ": unknown type " + type);
    }));
  }

  /** Waits until {@code run} shows a pending approval and returns its request id. */
  public static String awaitPendingApproval(Runbook run) {
    String[] id = new String[1];
    awaitTrue(() -> {
      var pending = run.progress().pendingApprovals();
      if (pending.isEmpty()) {
        return false;
      }
      id[0] = pending.get(0).requestId();
      return true;
    }, "an approval is pending");
    return id[0];
  }

  /** {@code call} fails with an ApplicationFailure of {@code type} whose message contains {@code message}. */
  public static void assertApplicationFailure(Runnable call, String type, String message) {
    assertThatThrownBy(call::run).satisfies(e -> {
      Throwable t = e;
      while (t != null && !(t instanceof ApplicationFailure)) {
        t = t.getCause();
      }
      assertThat(t).as("ApplicationFailure in %s", e).isNotNull();
      assertThat(((ApplicationFailure) t).getType()).isEqualTo(type);
      assertThat(((ApplicationFailure) t).getOriginalMessage()).contains(message);
    });
  }

  /** Polls until {@code condition} holds; time only skips while a client waits on a result, so this waits in real time. */
  public static void awaitTrue(BooleanSupplier condition, String what) {
    Instant deadline = Instant.now().plusSeconds(10);
    while (true) {
      try {
        if (condition.getAsBoolean()) {
          return;
        }
      } catch (RuntimeException notYet) {
        // A run that has not finished its first task cannot answer queries yet.
      }
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("timed out waiting until " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }
}
