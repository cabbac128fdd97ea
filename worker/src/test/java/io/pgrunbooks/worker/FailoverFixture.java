package io.pgrunbooks.worker;

import io.pgrunbooks.ops.stack.LocalStack;
import io.pgrunbooks.ops.stack.LocalStackOptions;
import io.pgrunbooks.ops.stack.PostgresNode;
import io.pgrunbooks.ops.stack.SharedStack;
import io.pgrunbooks.workflows.approval.ApprovalSignal;
import io.pgrunbooks.workflows.common.Progress;
import io.pgrunbooks.workflows.runbook.Runbook;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.temporal.client.WorkflowOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A local stack of its own (failovers move the primary), its config with PgBouncer driven by pg1's agent, and the
 * worker plus agents as processes. pg1's binDir is a copy of the PostgreSQL bin dir whose pg_rewind fails while
 * {@link #failRewind} exists, to test the rebuild fallback with the real tools, and whose {@code pg_ctl stop} also
 * stops pg2 while {@link #stopCandidateToo} exists, to stop the candidate at the worst moment of a switchover.
 */
public final class FailoverFixture implements AutoCloseable {
  public final LocalStack stack;
  public final WorkerFixture workers;
  final Path failRewind;
  final Path stopCandidateToo;

  public FailoverFixture() throws IOException {
    this(List.of("pg2"));
  }

  /** A stack with pg1 as primary and {@code replicas} streaming from it. */
  FailoverFixture(List<String> replicas) throws IOException {
    Path base = Files.createTempDirectory("runbooks-failover-stack-");
    stack = LocalStack.start(LocalStackOptions.defaults(base).withPassword(SharedStack.PASSWORD).withReplicas(replicas));
    workers = new WorkerFixture(stack);
    Path bin = wrapperBinDir(workers.dir.resolve("pg1-bin"), stack.postgres().node("pg2").dataDir());
    failRewind = workers.dir.resolve("fail-rewind");
    stopCandidateToo = workers.dir.resolve("stop-pg2-too");
    Files.writeString(workers.config, configYaml(stack, bin));
    workers.startAll();
  }

  public PostgresNode pg1() {
    return stack.postgres().node("pg1");
  }

  public PostgresNode pg2() {
    return stack.postgres().node("pg2");
  }

  <T extends Runbook> T stub(Class<T> type, String workflowId) {
    return workers.client.newWorkflowStub(type, WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.CENTRAL)
        .setWorkflowId(workflowId + ":" + UUID.randomUUID().toString().substring(0, 6)).build());
  }

  static void approve(Runbook run, String approver) {
    run.approve(new ApprovalSignal(null, approver, "go", null));
  }

  static Progress await(Runbook run, Predicate<Progress> condition, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Progress p = null;
    while (true) {
      try {
        p = run.progress();
        if (condition.test(p)) {
          return p;
        }
      } catch (io.temporal.client.WorkflowNotFoundException notYet) {
        // a child run that is not started yet
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within " + timeout + "; progress: " + p);
      }
      Thread.sleep(100);
    }
  }

  static Progress awaitPending(Runbook run) throws InterruptedException {
    return await(run, p -> !p.pendingApprovals().isEmpty(), Duration.ofSeconds(60));
  }

  /** Waits for the run's approval request and approves it as alice, then bob (a Failover needs two). */
  static void approveAsAliceAndBob(Runbook run) throws InterruptedException {
    String requestId = awaitPending(run).pendingApprovals().get(0).requestId();
    run.approve(new ApprovalSignal(requestId, "alice", "go", null));
    run.approve(new ApprovalSignal(requestId, "bob", "go", null));
  }

  /** Inserts a row through PgBouncer and says which port served it. */
  public int writeThroughBouncer() throws SQLException {
    return writeThroughBouncer(stack);
  }

  /** Inserts a row through the stack's PgBouncer and says which port served it. */
  static int writeThroughBouncer(LocalStack stack) throws SQLException {
    try (Connection c = stack.pgbouncer().connect("postgres"); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS e2e_failover_writes (id serial PRIMARY KEY, at timestamptz DEFAULT now())");
      s.execute("INSERT INTO e2e_failover_writes DEFAULT VALUES");
      try (ResultSet rs = s.executeQuery("SELECT inet_server_port()")) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  public static boolean inRecovery(PostgresNode n) {
    return n.psql("postgres", "SELECT pg_is_in_recovery()").strip().equals("t");
  }

  /** The node's primary_conninfo and primary_slot_name as the server sees them, joined by "|". */
  static String upstream(PostgresNode n) {
    return n.psql("postgres", "SELECT current_setting('primary_conninfo') || '|' || current_setting('primary_slot_name')")
        .strip();
  }

  private static Path wrapperBinDir(Path dir, Path pg2DataDir) throws IOException {
    Files.createDirectories(dir);
    Path real = Path.of("/usr/lib/postgresql/15/bin");
    try (Stream<Path> tools = Files.list(real)) {
      for (Path t : tools.toList()) {
        if (!List.of("pg_rewind", "pg_ctl").contains(t.getFileName().toString())) {
          Files.createSymbolicLink(dir.resolve(t.getFileName()), t);
        }
      }
    }
    Path rewind = dir.resolve("pg_rewind");
    Files.writeString(rewind, "#!/bin/sh\nif [ -e \"" + dir.getParent().resolve("fail-rewind") + "\" ]; then\n"
        + "  echo 'pg_rewind: error: forced failure for the fallback test' >&2\n  exit 1\nfi\nexec "
        + real.resolve("pg_rewind") + " \"$@\"\n");
    Path ctl = dir.resolve("pg_ctl");
    Files.writeString(ctl, "#!/bin/sh\n" + real.resolve("pg_ctl") + " \"$@\"\nrc=$?\n"
        + "case \" $* \" in *\" stop \"*)\n  if [ -e \"" + dir.getParent().resolve("stop-pg2-too") + "\" ]; then\n"
        + "    " + real.resolve("pg_ctl") + " -D \"" + pg2DataDir.toAbsolutePath() + "\" -m immediate -w stop >&2\n"
        + "  fi;;\nesac\nexit $rc\n");
    for (Path wrapper : List.of(rewind, ctl)) {
      Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(dir.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
    return dir;
  }

  /**
   * The {@code pgbouncer} (driven by pg1's agent) and {@code rebuild} sections of cluster {@code main} on a stack of
   * its own, indented for {@link WorkerFixture#configYaml}'s cluster.
   */
  static String bouncerAndRebuildYaml(LocalStack stack) {
    Path passFile = stack.postgres().node("pg1").dataDir().toAbsolutePath().getParent().resolve(".pgpass");
    return """
            pgbouncer:
              host: %s
              port: %d
              node: pg1
              adminUser: postgres
              configFile: %s
            rebuild:
              stopTimeout: 20s
              catchUpTimeout: 5m
              streamingPassFile: %s
        """.formatted(stack.pgbouncer().host(), stack.pgbouncer().port(), stack.pgbouncer().iniFile(), passFile);
  }

  /** WorkerFixture's config plus PgBouncer, rebuild and failover settings, pg1's wrapper bin dir, S3, approvers. */
  private static String configYaml(LocalStack stack, Path pg1Bin) {
    String base = WorkerFixture.configYaml(stack, 0).replaceFirst("(?m)^(\\s*)dataDir: "
        + Pattern.quote(stack.postgres().node("pg1").dataDir().toString()) + "$",
        "$0\n$1binDir: " + Matcher.quoteReplacement(pg1Bin.toString()));
    String cluster = bouncerAndRebuildYaml(stack) + """
            failover:
              replayTimeout: 10s
              promoteTimeout: 30s
              drill:
                sentinelRows: 10
                baselineTables: [public.e2e_baseline]
            credentials:
        """;
    return base.replace("    credentials:\n", cluster) + WorkerFixture.archiveYaml(stack, "failover-e2e")
        + TWO_APPROVERS_YAML;
  }

  /** The {@code approvals} section of the failover stacks: alice and bob, two of them for a Failover. */
  static final String TWO_APPROVERS_YAML = """
      approvals:
        defaultTimeout: 1h
        approvers:
          - {name: alice, roles: [approver]}
          - {name: bob, roles: [approver]}
        twoPersonRunbooks: [Failover]
      """;

  @Override
  public void close() {
    workers.close();
    stack.close();
  }
}
