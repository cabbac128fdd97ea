package io.pgrunbooks.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.pgrunbooks.ops.stack.LocalStack;
import io.pgrunbooks.ops.stack.LocalStackOptions;
import io.pgrunbooks.ops.stack.PatroniServers;
import io.pgrunbooks.ops.stack.PostgresClusterOptions;
import io.pgrunbooks.ops.stack.SharedStack;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.WorkflowIds;
import io.pgrunbooks.workflows.failover.FailoverInput;
import io.pgrunbooks.workflows.failover.FailoverWorkflow;
import io.pgrunbooks.workflows.failoverdrill.FailoverDrillInput;
import io.pgrunbooks.workflows.failoverdrill.FailoverDrillResult;
import io.pgrunbooks.workflows.failoverdrill.FailoverDrillWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.failure.ApplicationFailure;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Planned switchovers on the Patroni mode of the local stack (real etcd, Patroni, PostgreSQL, PgBouncer), the worker
 * and agents as processes, runs started and approved through the public contract: a paused cluster is refused, and a
 * drill switches over and back through {@code POST /switchover} while an independent client writes through PgBouncer.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailoverOnPatroniEndToEndTest {
  private static LocalStack stack;
  private static WorkerFixture fixture;
  private static PatroniServers patroni;

  @BeforeAll
  static void start() throws Exception {
    Path dir = Files.createTempDirectory("runbooks-patroni-switchover-e2e-");
    stack = LocalStack.start(LocalStackOptions.defaults(dir).withPassword(SharedStack.PASSWORD)
        .withPatroni(new PostgresClusterOptions.Patroni(List.of(), 0)));
    fixture = new WorkerFixture(stack);
    patroni = stack.postgres().patroni();
    stack.postgres().awaitStreaming("pg2", Duration.ofSeconds(60));
    StringBuilder section = new StringBuilder("    topology: patroni\n    patroni:\n      restApi:\n");
    patroni.restUrls().forEach((node, url) -> section.append("        ").append(node).append(": ").append(url)
        .append('\n'));
    section.append("      credentials: {user: patroni, passwordFile: \"").append(patroni.passwordFile())
        .append("\"}\n").append(FailoverFixture.bouncerAndRebuildYaml(stack)).append("""
            failover:
              replayTimeout: 10s
              promoteTimeout: 30s
              drill:
                sentinelRows: 10
            credentials:
        """);
    Files.writeString(fixture.config, WorkerFixture.configYaml(stack, fixture.metricsPort)
        .replace("    credentials:\n", section.toString()) + WorkerFixture.archiveYaml(stack, "patroni-e2e") + """
        approvals:
          defaultTimeout: 1h
          approvers:
            - {name: alice, roles: [approver]}
            - {name: bob, roles: [approver]}
          twoPersonRunbooks: [Failover]
        """);
    fixture.startAll();
  }

  @AfterAll
  static void stop() {
    if (fixture != null) {
      fixture.close();
    }
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  @Order(1)
  void aPausedClusterIsRefusedBeforeAnyApprovalAndNothingChanges() throws Exception {
    assertThat(patch("{\"pause\": true}")).isEqualTo(200);
    try {
      awaitPaused(true);
      long pg1Pid = stack.postgres().node("pg1").pid().orElseThrow();
      FailoverWorkflow run = stub(FailoverWorkflow.class, WorkflowIds.failover("main"));
      Throwable t = catchThrowable(() -> run.run(FailoverInput.of("main", "pg2", "paused e2e")));
      assertThat(t).isInstanceOf(WorkflowFailedException.class);
      ApplicationFailure cause = (ApplicationFailure) t.getCause();
      assertThat(cause.getType()).isEqualTo("SafetyRefused");
      assertThat(cause.getOriginalMessage()).contains("cluster main is paused in Patroni", "nothing was changed");
      assertThat(stack.postgres().node("pg1").pid().orElseThrow()).isEqualTo(pg1Pid);
      assertThat(FailoverFixture.inRecovery(stack.postgres().node("pg1"))).isFalse();
    } finally {
      assertThat(patch("{\"pause\": false}")).isEqualTo(200);
      awaitPaused(false);
    }
  }

  @Test
  @Order(2)
  void drillSwitchesOverAndBackThroughPatroniWhileAClientWritesThroughPgBouncerAndLosesNothing() throws Exception {
    FailoverDrillWorkflow run = stub(FailoverDrillWorkflow.class, WorkflowIds.failoverDrill("main"));
    long started = System.nanoTime();
    try (BouncerWriter writer = BouncerWriter.start(stack.pgbouncer(), "e2e_patroni_writes")) {
      CompletableFuture<FailoverDrillResult> result = WorkflowClient.execute(run::run, FailoverDrillInput.of("main"));
      FailoverFixture.awaitPending(run);
      FailoverFixture.approve(run, "alice");
      FailoverDrillResult r = result.get(4, TimeUnit.MINUTES);
      writer.stop();
      r.report().steps().forEach(s -> System.out.println("STEP " + s.start() + " " + s.end() + " " + s.name() + ": "
          + s.detail()));

      assertThat(r.report().outcome()).isEqualTo(RunbookState.COMPLETED);
      assertThat(r.outcome()).as(r.report().summary() + " " + r.criteria()).isEqualTo("PASSED");
      assertThat(r.phases()).hasSize(2).allSatisfy(p -> {
        assertThat(p.rejoin()).isEqualTo("Patroni");
        assertThat(p.missing()).isEmpty();
        assertThat(p.streaming()).isTrue();
      });
      assertThat(r.phases().get(1).timeline()).isEqualTo(r.phases().get(0).timeline() + 1);
      assertThat(FailoverFixture.inRecovery(stack.postgres().node("pg1"))).isFalse();
      assertThat(FailoverFixture.inRecovery(stack.postgres().node("pg2"))).isTrue();
      assertThat(fixture.allLogs()).doesNotContain("pg_ctl");
      List<Long> lost = writer.missingOn(stack.postgres().node("pg1"));
      System.out.printf("PATRONI-E2E acknowledged=%d errors=%d lost=%d longest write gap=%d ms; drill: writes "
          + "unavailable %d ms, promoted after %d ms; test %d s%n", writer.acknowledged(), writer.errors(),
          lost.size(), writer.longestGapMillis(), r.writeUnavailableMillis(), r.timeToPromoteMillis(),
          TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
      assertThat(writer.acknowledged()).isGreaterThan(50);
      assertThat(lost).as("acknowledged writes missing on pg1").isEmpty();
    }
  }

  private static <T extends io.pgrunbooks.workflows.runbook.Runbook> T stub(Class<T> type, String id) {
    return fixture.client.newWorkflowStub(type, io.temporal.client.WorkflowOptions.newBuilder()
        .setTaskQueue(io.pgrunbooks.workflows.common.TaskQueues.CENTRAL).setWorkflowId(id + ":" + System.nanoTime())
        .build());
  }

  /** {@code PATCH /config} on pg1's Patroni with the REST API's Basic auth; the HTTP status. */
  private static int patch(String json) throws Exception {
    String password = Files.readString(patroni.passwordFile()).strip();
    HttpRequest request = HttpRequest.newBuilder(URI.create(patroni.restUrl("pg1") + "/config"))
        .header("Content-Type", "application/json")
        .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((PatroniServers.REST_USER + ":"
            + password).getBytes(StandardCharsets.UTF_8)))
        .method("PATCH", HttpRequest.BodyPublishers.ofString(json)).timeout(Duration.ofSeconds(10)).build();
    return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  private static void awaitPaused(boolean paused) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (patroni.get("pg1", "/cluster").path("pause").asBoolean(false) != paused) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Patroni's pause did not become " + paused + " within 30 s");
      }
      Thread.sleep(100);
    }
  }
}
