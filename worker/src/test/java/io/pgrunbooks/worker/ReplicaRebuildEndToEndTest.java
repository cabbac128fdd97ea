package io.pgrunbooks.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrunbooks.ops.dev.ChildProcess;
import io.pgrunbooks.ops.stack.PostgresNode;
import io.pgrunbooks.workflows.approval.ApprovalSignal;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.StepRecord;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.common.WorkflowIds;
import io.pgrunbooks.workflows.replicarebuild.ReplicaRebuildInput;
import io.pgrunbooks.workflows.replicarebuild.ReplicaRebuildResult;
import io.pgrunbooks.workflows.replicarebuild.ReplicaRebuildWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ReplicaRebuild end to end: the real worker and node agents as processes, the shared stack's real primary and
 * replica, runs started and approved through the public contract. Every test leaves the replica streaming.
 */
class ReplicaRebuildEndToEndTest {
  private static WorkerFixture fixture;
  private static PostgresNode primary;
  private static PostgresNode replica;

  @BeforeAll
  static void start() throws Exception {
    fixture = new WorkerFixture();
    primary = fixture.stack.postgres().currentPrimary();
    replica = fixture.stack.postgres().nodes().stream().filter(n -> n != primary).findFirst().orElseThrow();
    Path passFile = primary.dataDir().toAbsolutePath().getParent().resolve(".pgpass");
    String yaml = WorkerFixture.configYaml(fixture.stack, fixture.metricsPort).replace("    credentials:\n", """
            rebuild:
              stopTimeout: 20s
              catchUpTimeout: 5m
              streamingPassFile: %s
            credentials:
        """.formatted(passFile)) + """
        approvals:
          defaultTimeout: 1h
          approvers:
            - {name: alice, roles: [approver]}
            - {name: bob, roles: [approver]}
        """;
    Files.writeString(fixture.config, yaml);
    fixture.startAll();
  }

  @AfterAll
  static void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  @AfterEach
  void replicaStreamsAgain() {
    if (!replica.isRunning()) {
      replica.start();
    }
    fixture.stack.postgres().awaitStreaming(replica.name(), Duration.ofSeconds(60));
  }

  @Test
  void dryRunReturnsThePlanAndChangesNeitherDataDirNorSlots() throws Exception {
    TreeSet<String> dirsBefore = siblings();
    TreeSet<String> slotsBefore = slots();
    long pidBefore = replica.pid().orElseThrow();

    ReplicaRebuildResult r = stub(WorkflowIds.replicaRebuild("main", replica.name()) + ":dry")
        .run(new ReplicaRebuildInput("main", replica.name(), true, "alice", "dry run test"));

    assertThat(r.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(String.join("\n", r.report().plan())).contains("pg_ctl", "pg_basebackup", "pg_create_physical_replication_slot");
    assertThat(siblings()).isEqualTo(dirsBefore);
    assertThat(slots()).isEqualTo(slotsBefore);
    assertThat(replica.pid().orElseThrow()).isEqualTo(pidBefore);
  }

  @Test
  void secondRebuildIsRefusedByTheLockNamingTheHolderAndRejectionLeavesTheReplicaUntouched() throws Exception {
    long pidBefore = replica.pid().orElseThrow();
    TreeSet<String> dirsBefore = siblings();
    String firstId = WorkflowIds.replicaRebuild("main", replica.name());
    ReplicaRebuildWorkflow first = stub(firstId);
    CompletableFuture<ReplicaRebuildResult> firstResult =
        WorkflowClient.execute(first::run, ReplicaRebuildInput.of("main", replica.name()));
    awaitPending(first);

    assertThatThrownBy(() -> stub(firstId + ":second").run(ReplicaRebuildInput.of("main", replica.name())))
        .satisfies(e -> assertThat(failure(e).getType()).isEqualTo(FailureTypes.SAFETY_REFUSED))
        .satisfies(e -> assertThat(failure(e).getOriginalMessage())
            .contains("cluster main is locked by ReplicaRebuild run " + firstId));

    first.reject(new ApprovalSignal(null, "bob", "not today", null));
    ReplicaRebuildResult r = firstResult.get(60, TimeUnit.SECONDS);
    assertThat(r.report().outcome()).isEqualTo(RunbookState.REJECTED);
    assertThat(replica.pid().orElseThrow()).isEqualTo(pidBefore);
    assertThat(siblings()).isEqualTo(dirsBefore);
  }

  @Test
  void corruptedReplicaIsRebuiltAndHasTheRowsWrittenBeforeAndDuringTheRebuild() throws Exception {
    primary.psql("postgres", "DROP TABLE IF EXISTS e2e_rebuild; CREATE TABLE e2e_rebuild (id int); "
        + "INSERT INTO e2e_rebuild SELECT generate_series(1, 5000)");
    replica.kill();
    Files.delete(replica.dataDir().resolve("global/pg_control"));

    ReplicaRebuildWorkflow run = stub(WorkflowIds.replicaRebuild("main", replica.name()));
    CompletableFuture<ReplicaRebuildResult> result =
        WorkflowClient.execute(run::run, new ReplicaRebuildInput("main", replica.name(), false, "carol", "pg_control lost"));
    awaitPending(run);
    assertThat(run.progress().pendingApprovals().get(0).evidence().get("why")).startsWith("down");
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicInteger written = new AtomicInteger();
    Thread writer = new Thread(() -> {
      while (writing.get()) {
        primary.psql("postgres", "INSERT INTO e2e_rebuild VALUES (" + (100000 + written.incrementAndGet()) + ")");
      }
    });
    writer.start();
    run.approve(new ApprovalSignal(null, "alice", "rebuild it", null));

    ReplicaRebuildResult r = result.get(5, TimeUnit.MINUTES);
    writing.set(false);
    writer.join();
    assertThat(r.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(r.bytesCopied()).isPositive();
    assertThat(written.get()).isPositive();
    long expected = 5000L + written.get();
    awaitCount(replica, "SELECT count(*) FROM e2e_rebuild", expected);
    assertThat(replica.dataDir().resolve("global/pg_control")).exists();
    assertThat(siblings()).noneMatch(n -> n.contains(".rebuild-") || n.contains(".partial-"));
    primary.psql("postgres", "DROP TABLE e2e_rebuild");
  }

  @Test
  void agentKilledDuringTheBaseBackupIsReplacedAndTheRunCompletesCleanly() throws Exception {
    // Big enough that pg_basebackup runs for a while on this machine.
    primary.psql("postgres", "DROP TABLE IF EXISTS e2e_bulk; CREATE TABLE e2e_bulk AS SELECT g, repeat('x', 400) AS pad "
        + "FROM generate_series(1, 600000) g");
    try {
      ReplicaRebuildWorkflow run = stub(WorkflowIds.replicaRebuild("main", replica.name()));
      CompletableFuture<ReplicaRebuildResult> result =
          WorkflowClient.execute(run::run, ReplicaRebuildInput.of("main", replica.name()));
      awaitPending(run);
      run.approve(new ApprovalSignal(null, "alice", "go", null));

      Path partial = awaitSibling(".partial-", Duration.ofMinutes(2));
      ChildProcess agent = fixture.processes.stream().filter(p -> p.name().equals("agent-" + replica.name()))
          .reduce((a, b) -> b).orElseThrow();
      // SIGKILL to the agent's JVM only: its pg_basebackup is orphaned and keeps writing, as on a real host.
      ProcessHandle.of(agent.pid()).orElseThrow().destroyForcibly();
      assertThat(partial).exists();
      fixture.startAgent(replica.name());

      ReplicaRebuildResult r = result.get(5, TimeUnit.MINUTES);
      assertThat(r.report().outcome()).isEqualTo(RunbookState.COMPLETED);
      assertThat(r.report().steps()).anySatisfy(s -> {
        assertThat(s.name()).isEqualTo("base backup");
        assertThat(s.status()).isEqualTo(StepRecord.DONE);
      });
      assertThat(siblings()).noneMatch(n -> n.contains(".rebuild-") || n.contains(".partial-") || n.endsWith(".pgpass")
          && n.contains(".partial"));
      awaitCount(replica, "SELECT count(*) FROM e2e_bulk", 600000);
    } finally {
      primary.psql("postgres", "DROP TABLE IF EXISTS e2e_bulk");
    }
  }

  private static ReplicaRebuildWorkflow stub(String workflowId) {
    return fixture.client.newWorkflowStub(ReplicaRebuildWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.CENTRAL).setWorkflowId(workflowId + ":" + UUID.randomUUID().toString().substring(0, 6))
        .build());
  }

  private static void awaitPending(ReplicaRebuildWorkflow run) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (!run.progress().pendingApprovals().isEmpty()) {
          return;
        }
      } catch (RuntimeException notYet) {
        // first workflow task not done
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no approval pending after 60 s\n" + fixture.allLogs());
  }

  private static Path awaitSibling(String marker, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try (Stream<Path> s = Files.list(replica.dataDir().getParent())) {
        List<Path> found = s.filter(p -> p.getFileName().toString().contains(marker) && Files.isDirectory(p)).toList();
        if (!found.isEmpty() && Files.exists(found.get(0).resolve("base"))) {
          return found.get(0);
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no " + marker + " directory after " + timeout + "\n" + fixture.allLogs());
  }

  private static TreeSet<String> siblings() throws Exception {
    try (Stream<Path> s = Files.list(replica.dataDir().getParent())) {
      return new TreeSet<>(s.map(p -> p.getFileName().toString()).toList());
    }
  }

  private static TreeSet<String> slots() throws Exception {
    return new TreeSet<>(List.of(primary.psql("postgres",
        "SELECT slot_name || ':' || slot_type FROM pg_replication_slots ORDER BY 1").split("\n")));
  }

  private static void awaitCount(PostgresNode node, String sql, long expected) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    long seen = -1;
    while (System.nanoTime() < deadline) {
      try (Connection c = node.connect("postgres"); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
        rs.next();
        seen = rs.getLong(1);
        if (seen == expected) {
          return;
        }
      } catch (java.sql.SQLException notYet) {
        // replaying
      }
      Thread.sleep(200);
    }
    throw new AssertionError(node.name() + ": " + sql + " = " + seen + ", expected " + expected);
  }

  private static ApplicationFailure failure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ApplicationFailure f) {
        return f;
      }
    }
    throw new AssertionError("no ApplicationFailure in " + e);
  }
}
