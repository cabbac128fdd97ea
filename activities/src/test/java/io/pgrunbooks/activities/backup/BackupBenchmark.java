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
import io.pgrunbooks.workflows.backup.BackupInput;
import io.pgrunbooks.workflows.backup.BackupResult;
import io.pgrunbooks.workflows.backup.BackupWorkflow;
import io.pgrunbooks.workflows.backup.BackupWorkflowImpl;
import io.pgrunbooks.workflows.backupverification.BackupVerificationInput;
import io.pgrunbooks.workflows.backupverification.BackupVerificationResult;
import io.pgrunbooks.workflows.backupverification.BackupVerificationWorkflow;
import io.pgrunbooks.workflows.backupverification.BackupVerificationWorkflowImpl;
import io.pgrunbooks.workflows.common.RunReport;
import io.pgrunbooks.workflows.common.StepRecord;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.replay.TestEnvironments;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * bench/backup: raw {@code pg_dump -Fc} to a file + {@code pg_restore -j N} into a fresh database versus
 * Backup + BackupVerification end to end, on one source database of {@code -Dbench.scale} pgbench scale
 * (140 + 3 M rows of text is about 2.5 GB). Not part of the suite (the class name does not end in Test); run
 * it with {@code bench/backup/run.sh}. Runs {@code -Dbench.pairs} pairs (default 4) alternating which side
 * goes first, both restoring into the same verification instance, with a CHECKPOINT and a sync before every
 * timed phase so neither side pays for the other's dirty pages. The S3 store runs in a JVM of its own, so
 * the peak RSS printed is this JVM's: the real activities plus the in-memory Temporal test server.
 */
class BackupBenchmark {
  private static final String PW = "bench-password";

  @Test
  void rawDumpRestoreVersusBackupAndVerification() throws Exception {
    int scale = Integer.getInteger("bench.scale", 140);
    int jobs = Integer.getInteger("bench.jobs", Runtime.getRuntime().availableProcessors());
    int pairs = Integer.getInteger("bench.pairs", 4);
    Path base = Files.createTempDirectory("pgrb-bench-");
    Process s3 = startS3(base.resolve("s3"));
    try (PostgresCluster source = PostgresCluster.start(new PostgresClusterOptions(Files.createTempDirectory("pgrb-bench-src-"), "src", 0,
             List.of(), List.of(), PW, false));
         PostgresCluster verify = PostgresCluster.start(new PostgresClusterOptions(Files.createTempDirectory("pgrb-bench-ver-"), "verify", 0,
             List.of(), List.of(), PW, false))) {
      int s3Port = Integer.parseInt(new BufferedReader(new InputStreamReader(s3.getInputStream(), StandardCharsets.UTF_8))
          .readLine().substring(5));
      Bench b = new Bench(new Prerequisites(), source.primary(), verify.primary(), base.resolve("bench.dump"), jobs);
      b.load(scale);
      RunbooksConfig cfg = ConfigLoader.parse("""
          clusters:
            bench:
              nodes:
                - {name: src, host: %s, port: %d, dataDir: %s}
              credentials: {user: postgres, passwordEnv: PGRB_BENCH_PW}
          archive:
            bucket: %s
            endpoint: http://127.0.0.1:%d
            forcePathStyle: true
            accessKeyEnv: PGRB_BENCH_AK
            secretKeyEnv: PGRB_BENCH_SK
          backup:
            restoreJobs: %d
            verification:
              host: %s
              port: %d
              credentials: {user: postgres, passwordEnv: PGRB_BENCH_PW}
          """.formatted(b.src.host(), b.src.port(), b.src.dataDir(), LocalStack.BUCKET, s3Port, jobs, b.ver.host(),
          b.ver.port()), env(), "bench");
      TestWorkflowEnvironment env = TestEnvironments.newEnvironment();
      Worker worker = env.newWorker(TaskQueues.CENTRAL);
      worker.registerWorkflowImplementationTypes(BackupWorkflowImpl.class, BackupVerificationWorkflowImpl.class);
      PostgresBackupActivitiesImpl postgres = new PostgresBackupActivitiesImpl(cfg, env());
      env.newWorker(TaskQueues.HEAVY).registerActivitiesImplementations(postgres);
      worker.registerActivitiesImplementations(postgres,
          new BackupStoreActivitiesImpl(cfg, env()), new ApprovalActivitiesImpl(cfg, env()),
          new NotifyActivitiesImpl(cfg, env()), (io.pgrunbooks.workflows.activities.ReportActivities) report -> null);
      env.start();
      try {
        List<double[]> rows = new ArrayList<>();
        for (int i = 0; i < pairs; i++) {
          boolean rawFirst = i % 2 == 0;
          System.out.printf("BENCH pair %d (%s first), %s%n", i + 1, rawFirst ? "raw" : "runbooks", uptime());
          double[] raw = rawFirst ? b.raw() : null;
          double[] rb = b.runbooks(env);
          raw = rawFirst ? raw : b.raw();
          System.out.printf("BENCH pair %d: raw pg_dump %.1f s + pg_restore %.1f s = %.1f s | Backup %.1f s +"
                  + " BackupVerification %.1f s (its pg_restore %.1f s) = %.1f s | verification / raw restore %.3f,"
                  + " runbook pg_restore / raw pg_restore %.3f, runbooks / raw %.3f%n", i + 1, raw[0], raw[1],
              raw[0] + raw[1], rb[0], rb[1], rb[2], rb[0] + rb[1], rb[1] / raw[1], rb[2] / raw[1],
              (rb[0] + rb[1]) / (raw[0] + raw[1]));
          rows.add(new double[] {raw[0], raw[1], rb[0], rb[1], rb[2]});
        }
        System.out.printf("BENCH median of %d pairs: verification / raw restore %.3f; runbook pg_restore / raw"
                + " pg_restore %.3f; runbooks / raw %.3f; %s%n", pairs, median(rows, r -> r[3] / r[1]),
            median(rows, r -> r[4] / r[1]), median(rows, r -> (r[2] + r[3]) / (r[0] + r[1])), uptime());
        System.out.printf("BENCH peak RSS: this JVM (activities + Temporal test server) %s; S3 store JVM %s%n",
            peakRss(ProcessHandle.current().pid()), peakRss(s3.pid()));
      } finally {
        env.close();
      }
    } finally {
      s3.getOutputStream().close();
      if (!s3.waitFor(30, TimeUnit.SECONDS)) {
        s3.destroyForcibly();
      }
      // The bucket holds one dump per pair (115 MB each at scale 140): do not leave it in /tmp.
      try (var files = Files.walk(base)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  /** The two procedures on one source and one verification instance. */
  private record Bench(Prerequisites pre, PostgresNode src, PostgresNode ver, Path file, int jobs) {
    void load(int scale) throws Exception {
      src.psql("postgres", "CREATE DATABASE bench");
      long t = System.nanoTime();
      run(List.of(pre.pgTool("pgbench").toString(), "-i", "-q", "-s", Integer.toString(scale), "-h", src.host(), "-p",
          Integer.toString(src.port()), "-U", "postgres", "bench"));
      // pgbench's filler compresses to almost nothing: random text makes the dump a real upload.
      src.psql("bench", "CREATE TABLE notes AS SELECT g AS id, md5(g::text) || md5((g + 1)::text) || md5((g + 2)::text)"
          + " AS body FROM generate_series(1, " + Integer.getInteger("bench.notes", 3_000_000) + ") g");
      src.psql("bench", "VACUUM ANALYZE");
      System.out.printf("BENCH data: pgbench scale %d + notes, database size %s, load %.1f s, pg_restore jobs %d%n",
          scale, src.psql("bench", "SELECT pg_size_pretty(pg_database_size('bench'))"), secs(t), jobs);
    }

    /** pg_dump -Fc to a file, pg_restore -j N into a fresh database: {dump s, restore s}. */
    double[] raw() throws Exception {
      quiesce();
      long t = System.nanoTime();
      run(List.of(pre.pgTool("pg_dump").toString(), "-Fc", "-h", src.host(), "-p", Integer.toString(src.port()),
          "-U", "postgres", "-f", file.toString(), "bench"));
      double dump = secs(t);
      ver.psql("postgres", "CREATE DATABASE raw_restore");
      quiesce();
      t = System.nanoTime();
      run(List.of(pre.pgTool("pg_restore").toString(), "-j", Integer.toString(jobs), "-h", ver.host(), "-p",
          Integer.toString(ver.port()), "-U", "postgres", "-d", "raw_restore", file.toString()));
      double restore = secs(t);
      System.out.printf("BENCH   raw: pg_dump -Fc %.1f s (%d bytes), pg_restore -j %d %.1f s%n", dump,
          Files.size(file), jobs, restore);
      ver.psql("postgres", "DROP DATABASE raw_restore");
      Files.delete(file);
      return new double[] {dump, restore};
    }

    /** Backup then BackupVerification of that backup: {backup s, verification s, its pg_restore s}. */
    double[] runbooks(TestWorkflowEnvironment env) throws Exception {
      WorkflowOptions o = WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.CENTRAL).build();
      quiesce();
      long t = System.nanoTime();
      BackupResult b = env.getWorkflowClient().newWorkflowStub(BackupWorkflow.class, o).run(BackupInput.of("bench", "bench"));
      double backup = secs(t);
      quiesce();
      t = System.nanoTime();
      BackupVerificationResult v = env.getWorkflowClient().newWorkflowStub(BackupVerificationWorkflow.class, o)
          .run(BackupVerificationInput.of("bench", "bench", b.backupKey()));
      double verification = secs(t);
      if (!v.passed()) {
        throw new IllegalStateException("verification failed: " + v.reason());
      }
      System.out.printf("BENCH   Backup %.1f s (%d bytes): %s%n", backup, b.manifest().dumpBytes(), steps(b.report()));
      System.out.printf("BENCH   BackupVerification %.1f s (download %.1f s, pg_restore %.1f s): %s%n", verification,
          v.restore().downloadSeconds(), v.restore().restoreSeconds(), steps(v.report()));
      return new double[] {backup, verification, v.restore().restoreSeconds()};
    }

    /** Neither side pays for the other's dirty buffers or dirty pages. */
    private void quiesce() throws Exception {
      src.psql("postgres", "CHECKPOINT");
      ver.psql("postgres", "CHECKPOINT");
      run(List.of("sync"));
    }
  }

  private static String steps(RunReport r) {
    return r.steps().stream().filter(s -> s.start() != null && s.end() != null)
        .map(s -> s.name() + " " + String.format("%.1f", Duration.between(s.start(), s.end()).toMillis() / 1e3))
        .collect(Collectors.joining(", "));
  }

  private static Process startS3(Path dir) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), BenchS3StoreMain.class.getName(),
        dir.toString(), LocalStack.BUCKET, LocalStack.S3_ACCESS_KEY, LocalStack.S3_SECRET_KEY)
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
  }

  private static double median(List<double[]> rows, java.util.function.ToDoubleFunction<double[]> f) {
    double[] v = rows.stream().mapToDouble(f).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static Map<String, String> env() {
    return Map.of("PGRB_BENCH_PW", PW, "PGRB_BENCH_AK", LocalStack.S3_ACCESS_KEY,
        "PGRB_BENCH_SK", LocalStack.S3_SECRET_KEY);
  }

  private static String uptime() throws Exception {
    String[] l = Files.readString(Path.of("/proc/loadavg")).split(" ");
    return "load average " + l[0] + " " + l[1] + " " + l[2];
  }

  private static String peakRss(long pid) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
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
