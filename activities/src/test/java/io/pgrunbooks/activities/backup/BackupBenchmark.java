package io.pgrunbooks.activities.backup;

import io.pgrunbooks.activities.approval.ApprovalActivitiesImpl;
import io.pgrunbooks.activities.notify.NotifyActivitiesImpl;
import io.pgrunbooks.config.ConfigLoader;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.ops.stack.LocalStack;
import io.pgrunbooks.ops.stack.PostgresCluster;
import io.pgrunbooks.ops.stack.PostgresClusterOptions;
import io.pgrunbooks.ops.stack.PostgresNode;
import io.pgrunbooks.ops.stack.Prerequisites;
import io.pgrunbooks.ops.stack.S3Store;
import io.pgrunbooks.ops.stack.S3StoreOptions;
import io.pgrunbooks.workflows.backup.BackupInput;
import io.pgrunbooks.workflows.backup.BackupResult;
import io.pgrunbooks.workflows.backup.BackupWorkflow;
import io.pgrunbooks.workflows.backup.BackupWorkflowImpl;
import io.pgrunbooks.workflows.backupverification.BackupVerificationInput;
import io.pgrunbooks.workflows.backupverification.BackupVerificationResult;
import io.pgrunbooks.workflows.backupverification.BackupVerificationWorkflow;
import io.pgrunbooks.workflows.backupverification.BackupVerificationWorkflowImpl;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.replay.TestEnvironments;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * bench/backup: raw {@code pg_dump -Fc} to a file + {@code pg_restore -j N} into a fresh database versus
 * Backup + BackupVerification end to end, on one source database of {@code -Dbench.scale} pgbench scale
 * (140 is about 2.1 GB). Not part of the suite (the class name does not end in Test); run it with
 * {@code bench/backup/run.sh}. The runbooks' numbers come from the real activities in this JVM with an
 * in-memory Temporal test server and an S3Proxy filesystem store, so the peak RSS printed is an upper
 * bound of the worker's (it includes S3Proxy and the test server).
 */
class BackupBenchmark {
  private static final String PW = "bench-password";

  @Test
  void rawDumpRestoreVersusBackupAndVerification() throws Exception {
    int scale = Integer.getInteger("bench.scale", 140);
    int jobs = Integer.getInteger("bench.jobs", Runtime.getRuntime().availableProcessors());
    Path base = Files.createTempDirectory("pgrb-bench-");
    Prerequisites pre = new Prerequisites();
    try (PostgresCluster source = PostgresCluster.start(new PostgresClusterOptions(Files.createTempDirectory("pgrb-bench-src-"), "src", 0,
             List.of(), List.of(), PW, false));
         PostgresCluster verify = PostgresCluster.start(new PostgresClusterOptions(Files.createTempDirectory("pgrb-bench-ver-"), "verify", 0,
             List.of(), List.of(), PW, false));
         S3Store s3 = S3Store.start(new S3StoreOptions(0, base.resolve("s3"), LocalStack.BUCKET,
             LocalStack.S3_ACCESS_KEY, LocalStack.S3_SECRET_KEY))) {
      PostgresNode src = source.primary();
      PostgresNode ver = verify.primary();
      src.psql("postgres", "CREATE DATABASE bench");
      long t = System.nanoTime();
      run(List.of(pre.pgTool("pgbench").toString(), "-i", "-q", "-s", Integer.toString(scale), "-h", src.host(), "-p",
          Integer.toString(src.port()), "-U", "postgres", "bench"));
      // pgbench's filler compresses to almost nothing: random text makes the dump a real upload.
      src.psql("bench", "CREATE TABLE notes AS SELECT g AS id, md5(g::text) || md5((g + 1)::text) || md5((g + 2)::text)"
          + " AS body FROM generate_series(1, " + Integer.getInteger("bench.notes", 3_000_000) + ") g");
      String size = src.psql("bench", "SELECT pg_size_pretty(pg_database_size('bench'))");
      System.out.printf("BENCH data: pgbench scale %d, database size %s, load %.1f s, jobs %d%n", scale, size,
          secs(t), jobs);

      // 1. The seed runbooks' manual procedure.
      Path file = base.resolve("bench.dump");
      t = System.nanoTime();
      run(List.of(pre.pgTool("pg_dump").toString(), "-Fc", "-h", src.host(), "-p", Integer.toString(src.port()),
          "-U", "postgres", "-f", file.toString(), "bench"));
      double rawDump = secs(t);
      ver.psql("postgres", "CREATE DATABASE raw_restore");
      t = System.nanoTime();
      run(List.of(pre.pgTool("pg_restore").toString(), "-j", Integer.toString(jobs), "-h", ver.host(), "-p",
          Integer.toString(ver.port()), "-U", "postgres", "-d", "raw_restore", file.toString()));
      double coldRestore = secs(t);
      long dumpBytes = Files.size(file);
      ver.psql("postgres", "DROP DATABASE raw_restore");
      System.out.printf("BENCH raw (cold instance): pg_dump -Fc %.1f s (%d bytes), pg_restore -j %d %.1f s%n",
          rawDump, dumpBytes, jobs, coldRestore);

      // 2. The runbooks.
      RunbooksConfig cfg = ConfigLoader.parse("""
          clusters:
            bench:
              nodes:
                - {name: src, host: %s, port: %d, dataDir: %s}
              credentials: {user: postgres, passwordEnv: PGRB_BENCH_PW}
          archive:
            bucket: %s
            endpoint: %s
            forcePathStyle: true
            accessKeyEnv: PGRB_BENCH_AK
            secretKeyEnv: PGRB_BENCH_SK
          backup:
            restoreJobs: %d
            verification:
              host: %s
              port: %d
              credentials: {user: postgres, passwordEnv: PGRB_BENCH_PW}
          """.formatted(src.host(), src.port(), src.dataDir(), s3.bucket(), s3.endpoint(), jobs, ver.host(), ver.port()),
          env(), "bench");
      TestWorkflowEnvironment env = TestEnvironments.newEnvironment();
      Worker worker = env.newWorker(TaskQueues.CENTRAL);
      worker.registerWorkflowImplementationTypes(BackupWorkflowImpl.class, BackupVerificationWorkflowImpl.class);
      worker.registerActivitiesImplementations(new PostgresBackupActivitiesImpl(cfg, env()),
          new BackupStoreActivitiesImpl(cfg, env()), new ApprovalActivitiesImpl(cfg, env()),
          new NotifyActivitiesImpl(cfg, env()));
      env.start();
      try {
        WorkflowOptions o = WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.CENTRAL).build();
        t = System.nanoTime();
        BackupResult b = env.getWorkflowClient().newWorkflowStub(BackupWorkflow.class, o)
            .run(BackupInput.of("bench", "bench"));
        double backup = secs(t);
        t = System.nanoTime();
        BackupVerificationResult v = env.getWorkflowClient().newWorkflowStub(BackupVerificationWorkflow.class, o)
            .run(BackupVerificationInput.of("bench", "bench", b.backupKey()));
        double verification = secs(t);
        System.out.printf("BENCH runbooks: Backup %.1f s (%d bytes), BackupVerification %.1f s (download %.1f s,"
                + " pg_restore %.1f s, passed %s), total %.1f s%n", backup, b.manifest().dumpBytes(), verification,
            v.restore().downloadSeconds(), v.restore().restoreSeconds(), v.passed(), backup + verification);
        ver.psql("postgres", "CREATE DATABASE raw_restore");
        t = System.nanoTime();
        run(List.of(pre.pgTool("pg_restore").toString(), "-j", Integer.toString(jobs), "-h", ver.host(), "-p",
            Integer.toString(ver.port()), "-U", "postgres", "-d", "raw_restore", file.toString()));
        double rawRestore = secs(t);
        Files.delete(file);
        System.out.printf("BENCH raw (warm instance): pg_dump -Fc %.1f s, pg_restore -j %d %.1f s, total %.1f s%n",
            rawDump, jobs, rawRestore, rawDump + rawRestore);
        System.out.printf("BENCH overhead: runbooks / raw = %.3f; verification / raw restore = %.3f%n",
            (backup + verification) / (rawDump + rawRestore), verification / rawRestore);
        System.out.printf("BENCH peak RSS of this JVM (worker activities + S3Proxy + test server): %s%n", peakRss());
      } finally {
        env.close();
      }
    }
  }

  private static Map<String, String> env() {
    return Map.of("PGRB_BENCH_PW", PW, "PGRB_BENCH_AK", LocalStack.S3_ACCESS_KEY,
        "PGRB_BENCH_SK", LocalStack.S3_SECRET_KEY);
  }

  private static String peakRss() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmHWM")) {
        return line.substring(6).strip();
      }
    }
    return "unknown";
  }

  private static double secs(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  private static void run(List<String> cmd) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(cmd)).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("PGPASSWORD", PW);
    Process p = pb.start();
    if (!p.waitFor(2, TimeUnit.HOURS) || p.exitValue() != 0) {
      throw new IllegalStateException(cmd.get(0) + " failed with " + p.exitValue());
    }
  }
}
