package io.pgrunbooks.activities.bench;

import io.pgrunbooks.activities.postgres.ConnectionFactory;
import io.pgrunbooks.activities.postgres.PostgresArchiveActivitiesImpl;
import io.pgrunbooks.activities.s3.S3ClientFactory;
import io.pgrunbooks.config.ConfigLoader;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.ops.stack.LocalStack;
import io.pgrunbooks.ops.stack.LocalStackOptions;
import io.pgrunbooks.ops.stack.PostgresNode;
import io.pgrunbooks.workflows.activities.ExportInput;
import io.pgrunbooks.workflows.activities.ExportResult;
import io.pgrunbooks.workflows.activities.PartitionRef;
import io.pgrunbooks.workflows.activities.PostgresArchiveActivities;
import io.temporal.testing.TestActivityEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Archive benchmark (bench/archive/README.md): the seed runbook's pipeline ({@code psql -c "COPY ..." |
 * gzip > file; aws s3 cp file s3://...}) against the runbook's export activity (gzip and zstd), on one
 * local stack, same partitions, same store. The export runs in a child JVM so its peak RSS (VmHWM) is
 * the worker's alone. Usage: {@code ArchiveBenchmark <small rows> <large rows>}.
 */
public final class ArchiveBenchmark {
  private static final String PASSWORD = "bench-password";

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("export")) {
      export(args);
      return;
    }
    long small = args.length > 0 ? Long.parseLong(args[0]) : 2_000_000;
    long large = args.length > 1 ? Long.parseLong(args[1]) : 20_000_000;
    Path dir = Files.createTempDirectory("archive-bench");
    try (LocalStack stack = LocalStack.start(LocalStackOptions.defaults(dir).withPassword(PASSWORD).withReplicas(List.of())
        // The filesystem backend: the in-memory one keeps a whole object in one array (OOM past 2 GB).
        .persistent(dir.resolve("s3"), null))) {
      Path config = dir.resolve("bench.yml");
      Files.writeString(config, yaml(stack));
      PostgresNode pg = stack.postgres().primary();
      prepare(pg, "small", small);
      prepare(pg, "large", large);
      List<String> lines = new ArrayList<>();
      lines.add("| run | partition | CSV bytes | object bytes | seconds | MB/s of CSV | peak RSS |");
      lines.add("|---|---|---|---|---|---|---|");
      double pipeline = pipeline(stack, pg, dir, "large", lines);
      double gzip = child(config, dir, pg, "large", "gzip", lines);
      double zstd = child(config, dir, pg, "large", "zstd", lines);
      child(config, dir, pg, "small", "gzip", lines);
      child(config, dir, pg, "small", "zstd", lines);
      lines.add("");
      lines.add("runbook gzip vs pipeline: %.2fx; runbook zstd vs pipeline: %.2fx".formatted(pipeline / gzip, pipeline / zstd));
      String out = String.join("\n", lines);
      System.out.println(out);
      Files.writeString(dir.resolve("results.md"), out + "\n");
    }
  }

  private static void prepare(PostgresNode pg, String name, long rows) throws Exception {
    try (Connection c = pg.connect("postgres"); Statement st = c.createStatement()) {
      st.execute("CREATE SCHEMA IF NOT EXISTS bench");
      st.execute("CREATE TABLE IF NOT EXISTS bench.events (id bigint, ts timestamptz NOT NULL, account text, amount numeric(12,2),"
          + " payload text) PARTITION BY RANGE (ts)");
      st.execute("CREATE UNLOGGED TABLE bench." + name + " (LIKE bench.events)");
      long t0 = System.nanoTime();
      // Realistic CSV: an id, a timestamp, a repeating account, an amount and 32 hex chars (compresses ~2.5x).
      st.execute("INSERT INTO bench." + name + " SELECT g, timestamptz '2020-01-01' + (g % 2600000) * interval '1 second',"
          + " 'acct-' || (g % 5000), (g % 100000) / 100.0, md5(g::text) FROM generate_series(1, " + rows + ") g");
      System.err.printf("generated %s: %d rows in %.1f s%n", name, rows, (System.nanoTime() - t0) / 1e9);
    }
  }

  /** The seed runbook's way: psql COPY | gzip into a file, then upload it to the same store. */
  private static double pipeline(LocalStack stack, PostgresNode pg, Path dir, String table, List<String> lines) throws Exception {
    Path file = dir.resolve(table + ".csv.gz");
    String copy = "COPY (SELECT * FROM bench." + table + ") TO STDOUT (FORMAT csv, HEADER)";
    long t0 = System.nanoTime();
    run(List.of("bash", "-c", "set -o pipefail; psql -h " + pg.host() + " -p " + pg.port() + " -U postgres -d postgres -c \""
        + copy + "\" | gzip > " + file), Map.of("PGPASSWORD", PASSWORD));
    long t1 = System.nanoTime();
    run(List.of("aws", "s3", "cp", "--only-show-errors", "--endpoint-url", stack.s3().endpoint().toString(), file.toString(),
        "s3://" + stack.s3().bucket() + "/pipeline/" + table + ".csv.gz"),
        Map.of("AWS_ACCESS_KEY_ID", stack.s3().accessKey(), "AWS_SECRET_ACCESS_KEY", stack.s3().secretKey(),
            "AWS_DEFAULT_REGION", stack.s3().region()));
    long t2 = System.nanoTime();
    long csvBytes = csvBytes(pg, table);
    double secs = (t2 - t0) / 1e9;
    lines.add("| pipeline psql\\|gzip>file + aws s3 cp (copy+gzip %.1f s, upload %.1f s) | %s | %d | %d | %.1f | %.1f | - |"
        .formatted((t1 - t0) / 1e9, (t2 - t1) / 1e9, table, csvBytes, Files.size(file), secs, csvBytes / 1e6 / secs));
    Files.delete(file);
    return secs;
  }

  private static long csvBytes(PostgresNode pg, String table) throws Exception {
    // Exact size of the CSV the pipeline produced, measured once without compression.
    String out = run(List.of("bash", "-c", "psql -h " + pg.host() + " -p " + pg.port() + " -U postgres -d postgres -c \"COPY (SELECT * FROM bench."
        + table + ") TO STDOUT (FORMAT csv, HEADER)\" | wc -c"), Map.of("PGPASSWORD", PASSWORD));
    return Long.parseLong(out.strip());
  }

  /** The runbook's export activity in its own JVM; returns seconds. */
  private static double child(Path config, Path dir, PostgresNode pg, String table, String compression, List<String> lines)
      throws Exception {
    long oid;
    try (Connection c = pg.connect("postgres"); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT 'bench." + table + "'::regclass::oid")) {
      rs.next();
      oid = rs.getLong(1);
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String out = run(List.of(java, "-cp", System.getProperty("java.class.path"), ArchiveBenchmark.class.getName(), "export",
        config.toString(), table, Long.toString(oid), compression), Map.of("BENCH_S3_ACCESS", "runbooks",
        "BENCH_PG_PASSWORD", PASSWORD));
    String[] f = out.strip().lines().reduce((a, b) -> b).orElseThrow().split(" ");
    double secs = Double.parseDouble(f[0]);
    long csv = Long.parseLong(f[1]);
    lines.add("| runbook export %s (COPY -> %s -> S3 multipart, SHA-256 x2) | %s | %d | %s | %.1f | %.1f | %s MB |"
        .formatted(compression, compression, table, csv, f[2], secs, csv / 1e6 / secs, f[3]));
    return secs;
  }

  /** Child mode: one exportPartition call through Temporal's activity test environment. */
  private static void export(String[] a) throws Exception {
    Map<String, String> env = Map.of("BENCH_PG_PASSWORD", PASSWORD, "BENCH_S3_ACCESS", "runbooks",
        "BENCH_S3_SECRET", "runbooks-secret-key");
    String yaml = Files.readString(Path.of(a[1])).replace("compression: gzip", "compression: " + a[4]);
    RunbooksConfig cfg = ConfigLoader.parse(yaml, env, "bench");
    ConnectionFactory connections = new ConnectionFactory(cfg, () -> env, Duration.ofSeconds(5), Duration.ofSeconds(60));
    TestActivityEnvironment testEnv = TestActivityEnvironment.newInstance();
    testEnv.registerActivitiesImplementations(new PostgresArchiveActivitiesImpl(cfg, connections,
        new S3ClientFactory(cfg.archive(), () -> env)));
    PostgresArchiveActivities act = testEnv.newActivityStub(PostgresArchiveActivities.class,
        io.temporal.activity.ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofHours(2)).build());
    long t0 = System.nanoTime();
    ExportResult r = act.exportPartition(new ExportInput(new PartitionRef("bench", "postgres", "bench", a[2],
        Long.parseLong(a[3]), "bench", "events"), "bench"));
    double secs = (System.nanoTime() - t0) / 1e9;
    testEnv.close();
    long hwmKb = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmHWM"))
        .map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElse(-1L);
    System.out.printf("%.2f %d %d %d%n", secs, r.uncompressedBytes(), r.compressedBytes(), hwmKb / 1024);
    System.out.flush();
    // The test environment leaves a non-daemon timer thread behind.
    System.exit(0);
  }

  private static String run(List<String> cmd, Map<String, String> env) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + " failed");
    }
    return out;
  }

  private static String yaml(LocalStack stack) {
    PostgresNode pg = stack.postgres().primary();
    return """
        clusters:
          bench:
            nodes:
              - name: %s
                host: %s
                port: %d
                dataDir: %s
            credentials:
              user: postgres
              passwordEnv: BENCH_PG_PASSWORD
        archive:
          bucket: %s
          prefix: bench
          endpoint: %s
          region: %s
          forcePathStyle: true
          accessKeyEnv: BENCH_S3_ACCESS
          secretKeyEnv: BENCH_S3_SECRET
          compression: gzip
        """.formatted(pg.name(), pg.host(), pg.port(), pg.dataDir(), stack.s3().bucket(), stack.s3().endpoint(),
        stack.s3().region());
  }
}
