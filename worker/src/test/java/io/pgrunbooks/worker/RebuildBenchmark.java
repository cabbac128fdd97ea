package io.pgrunbooks.worker;

import io.pgrunbooks.ops.stack.PostgresNode;
import io.pgrunbooks.ops.stack.Prerequisites;
import io.pgrunbooks.workflows.approval.ApprovalSignal;
import io.pgrunbooks.workflows.common.StepRecord;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.replicarebuild.ReplicaRebuildInput;
import io.pgrunbooks.workflows.replicarebuild.ReplicaRebuildResult;
import io.pgrunbooks.workflows.replicarebuild.ReplicaRebuildWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Measures a ReplicaRebuild of a database of at least {@code args[0]} GB (default 1) against a bare
 * {@code pg_basebackup} of the same cluster in the same run, on the shared local stack with the worker and
 * agents as processes. Not a test: run it by hand (see ops/docs/replica-rebuild.md).
 */
public final class RebuildBenchmark {
  private RebuildBenchmark() {}

  public static void main(String[] args) throws Exception {
    double gb = args.length > 0 ? Double.parseDouble(args[0]) : 1.0;
    try (WorkerFixture fixture = new WorkerFixture()) {
      PostgresNode primary = fixture.stack.postgres().currentPrimary();
      PostgresNode replica = fixture.stack.postgres().nodes().stream().filter(n -> n != primary).findFirst().orElseThrow();
      Path pgDir = primary.dataDir().toAbsolutePath().getParent();
      Files.writeString(fixture.config, WorkerFixture.configYaml(fixture.stack, fixture.metricsPort)
          .replace("    credentials:\n", "    rebuild:\n      streamingPassFile: " + pgDir.resolve(".pgpass")
              + "\n    credentials:\n")
          + "approvals:\n  approvers:\n    - {name: alice, roles: [approver]}\n");
      fixture.startAll();

      long rows = (long) (gb * 1024 * 1024 * 1024 / 530) + 1; // ~530 bytes per row on disk
      long t0 = System.nanoTime();
      primary.psql("postgres", "DROP TABLE IF EXISTS bench; CREATE TABLE bench AS SELECT g, repeat('x', 480) AS pad "
          + "FROM generate_series(1, " + rows + ") g; CHECKPOINT");
      fixture.stack.postgres().awaitStreaming(replica.name(), Duration.ofMinutes(5));
      String size = primary.psql("postgres", "SELECT pg_size_pretty(sum(pg_database_size(oid))) FROM pg_database");
      System.out.printf("database size %s (loaded in %.1f s)%n", size, secs(System.nanoTime() - t0));

      // A bare copy before and after the rebuild: the first one also pays for a cold cache.
      double bareBefore = bareBaseBackup(primary, pgDir);
      System.out.printf("bare pg_basebackup (before): %.1f s%n", bareBefore);
      ReplicaRebuildWorkflow run = fixture.client.newWorkflowStub(ReplicaRebuildWorkflow.class, WorkflowOptions.newBuilder()
          .setTaskQueue(TaskQueues.CENTRAL).setWorkflowId("replica-rebuild:main:" + replica.name() + ":bench").build());
      long r0 = System.nanoTime();
      CompletableFuture<ReplicaRebuildResult> result =
          WorkflowClient.execute(run::run, ReplicaRebuildInput.of("main", replica.name()));
      while (true) {
        try {
          if (!run.progress().pendingApprovals().isEmpty()) {
            break;
          }
        } catch (RuntimeException notYet) {
          // first task not done
        }
        Thread.sleep(20);
      }
      double toApproval = secs(System.nanoTime() - r0);
      run.approve(new ApprovalSignal(null, "alice", "benchmark", null));
      ReplicaRebuildResult r = result.get(2, TimeUnit.HOURS);
      double total = secs(System.nanoTime() - r0);
      List<String> lines = new ArrayList<>();
      double copy = 0;
      double streaming = 0;
      for (StepRecord s : r.report().steps()) {
        double d = s.end() == null ? 0 : Duration.between(s.start(), s.end()).toMillis() / 1000.0;
        lines.add(String.format("  %-22s %6.2f s  %s", s.name(), d, s.status()));
        if (s.name().equals("base backup")) {
          copy = d;
        }
        if (s.name().equals("await catch-up")) {
          streaming = Duration.between(r.report().startedAt(), s.end()).toMillis() / 1000.0;
        }
      }
      lines.forEach(System.out::println);
      double bareAfter = bareBaseBackup(primary, pgDir);
      System.out.printf("bare pg_basebackup (after): %.1f s%n", bareAfter);
      double bareSeconds = (bareBefore + bareAfter) / 2;
      double afterApproval = total - toApproval;
      System.out.printf("%nrebuild: %s, %d bytes copied%n", r.report().outcome(), r.bytesCopied());
      System.out.printf("run wall time %.1f s (preflight to pending approval %.1f s, approval to done %.1f s)%n",
          total, toApproval, afterApproval);
      System.out.printf("base backup step %.1f s vs bare pg_basebackup (mean of before/after) %.1f s: %+.1f%%%n", copy, bareSeconds,
          100 * (copy - bareSeconds) / bareSeconds);
      System.out.printf("approval to done %.1f s vs bare %.1f s: overhead %+.1f%%%n", afterApproval, bareSeconds,
          100 * (afterApproval - bareSeconds) / bareSeconds);
      System.out.printf("run start to streaming with lag < 1 s: %.1f s (approval sent automatically)%n", streaming);
      primary.psql("postgres", "DROP TABLE bench");
    }
    System.exit(0);
  }

  /** What an operator runs by hand (RB-3): the same flags as the runbook's copy, without the slot. */
  private static double bareBaseBackup(PostgresNode primary, Path pgDir) throws Exception {
    Path bare = pgDir.resolve("bench-bare");
    long b0 = System.nanoTime();
    ProcessBuilder pb = new ProcessBuilder(Prerequisites.asPostgresUser(List.of(
        new Prerequisites().pgTool("pg_basebackup").toString(), "-D", bare.toString(), "-R", "-X", "stream", "-P", "-c", "fast",
        "-w", "-d", "host=" + primary.host() + " port=" + primary.port() + " user=postgres"))).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("PGPASSFILE", pgDir.resolve(".pgpass").toString());
    int exit = pb.start().waitFor();
    double seconds = secs(System.nanoTime() - b0);
    new ProcessBuilder("rm", "-rf", bare.toString()).start().waitFor();
    if (exit != 0) {
      throw new IllegalStateException("bare pg_basebackup failed with exit " + exit);
    }
    return seconds;
  }

  private static double secs(long nanos) {
    return nanos / 1e9;
  }
}
