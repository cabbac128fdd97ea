package io.pgrunbooks.activities.bench;

import io.pgrunbooks.activities.postgres.ConnectionFactory;
import io.pgrunbooks.activities.postgres.PostgresArchiveActivitiesImpl;
import io.pgrunbooks.activities.s3.S3ClientFactory;
import io.pgrunbooks.config.ConfigLoader;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.ops.stack.PostgresCluster;
import io.pgrunbooks.ops.stack.PostgresClusterOptions;
import io.pgrunbooks.ops.stack.PostgresNode;
import io.pgrunbooks.ops.stack.S3Store;
import io.pgrunbooks.ops.stack.S3StoreOptions;
import io.pgrunbooks.workflows.activities.ExportInput;
import io.pgrunbooks.workflows.activities.ExportResult;
import io.pgrunbooks.workflows.activities.PartitionRef;
import io.pgrunbooks.workflows.activities.PostgresArchiveActivities;
import io.temporal.testing.TestActivityEnvironment;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Archive benchmark (bench/archive/README.md): the seed runbook's pipeline ({@code psql -c "COPY ..." |
 * gzip > file; aws s3 cp file s3://...}) against the runbook's export activity (gzip and zstd), on one
 * PostgreSQL, same partitions, same store. Three processes besides PostgreSQL: this harness, the S3 store
 * (S3Proxy, filesystem backend) in its own JVM, and one JVM per export run with the dev worker's heap
 * ({@code -Xmx512m}), whose VmHWM is the worker's peak RSS alone. Runs alternate their order (pipeline
 * first, then runbook first) because the machine is shared. Usage:
 * {@code ArchiveBenchmark <small rows> <large rows> <small repeats> <large repeats>}.
 */
public final class ArchiveBenchmark {
  /** Warm-up runs of the warm-up table in each child JVM before the measured one (raw COPY and export alike). */
  static final int WARMUPS = 3;
  static final String PASSWORD = "bench-password";
  private static final String BUCKET = "bench-archive";
  private static final String ACCESS = "runbooks";
  private static final String SECRET = "runbooks-secret-key";
  // The worker's own logging (INFO, to stderr): without a config logback logs DEBUG to stdout, the AWS
  // SDK's wire log included, which costs the export more than its compression does.
  private static final String LOGGING = "-Dlogback.configurationFile="
      + Path.of("worker/src/main/resources/logback.xml").toAbsolutePath();
  /**
   * Every method, in the order of an odd repeat; {@code BENCH_METHODS=raw,zstd} runs a subset, {@code gzip:1} or
   * {@code zstd:3} an export at that level instead of the configured default.
   */
  private static final List<String> ALL_METHODS = List.of("pipeline", "raw", "gzip", "zstd");

  /**
   * @param cpu CPU seconds of the client side (psql, gzip and aws; or the worker JVM), PostgreSQL's COPY not included
   * @param pgCpu CPU seconds of all PostgreSQL processes during the run
   * @param storeCpu CPU seconds of the S3 store process during the run
   */
  private record Run(String table, String method, int repeat, String order, long csvBytes, long objectBytes, double secs,
                     double cpu, String rss, String load, String detail, double pgCpu, double storeCpu) {
    Run withServers(double pg, double store) {
      return new Run(table, method, repeat, order, csvBytes, objectBytes, secs, cpu, rss, load, detail, pg, store);
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("export")) {
      export(args);
      return;
    }
    if (args.length > 0 && args[0].equals("rawcopy")) {
      RawCopy.main(args);
      return;
    }
    if (args.length > 0 && args[0].equals("profile")) {
      StageProfile.main(args);
      return;
    }
    if (args.length > 0 && args[0].equals("store")) {
      store(Path.of(args[1]));
      return;
    }
    long small = args.length > 0 ? Long.parseLong(args[0]) : 2_600_000;
    long large = args.length > 1 ? Long.parseLong(args[1]) : 27_000_000;
    int smallRuns = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    int largeRuns = args.length > 3 ? Integer.parseInt(args[3]) : 1;
    Path dir = Files.createTempDirectory("archive-bench");
    List<Run> runs = new ArrayList<>();
    try (PostgresCluster cluster = PostgresCluster.start(new PostgresClusterOptions(dir, "pg1", 0, List.of(), List.of(),
        PASSWORD, false)); StoreProcess store = StoreProcess.start(dir.resolve("s3"))) {
      PostgresNode pg = cluster.primary();
      Path config = dir.resolve("bench.yml");
      Files.writeString(config, yaml(pg, store.port));
      // 400k rows (31 MB of CSV, four parts): enough for the JIT to compile the whole export path before the timed run.
      prepare(pg, "warmup", 400_000);
      Map<String, Long> csv = new TreeMap<>();
      for (var t : Map.of("small", small, "large", large).entrySet()) {
        prepare(pg, t.getKey(), t.getValue());
        csv.put(t.getKey(), csvBytes(pg, t.getKey()));
      }
      // BENCH_PROFILE=threads: only the per-thread CPU of each child, not the stage profile (4 minutes at 2.6 M rows).
      if (System.getenv("BENCH_PROFILE") != null && !System.getenv("BENCH_PROFILE").equals("threads")) {
        System.err.println(profile(pg, "small"));
      }
      List<String> methods = methods();
      // The store is a fresh JVM too: one unrecorded export first, so the first recorded export does not pay for
      // its JIT (about 2 s of store CPU) while the raw COPY never touches it.
      if (methods.stream().anyMatch(m -> m.startsWith("zstd") || m.startsWith("gzip"))) {
        child(config, pg, store, "warmup", "zstd", 0, "warm-up");
      }
      for (String table : List.of("small", "large")) {
        int repeats = table.equals("small") ? smallRuns : largeRuns;
        for (int i = 0; i < repeats; i++) {
          // Even repeats run the methods in list order, odd ones reversed.
          List<String> order = new ArrayList<>(methods);
          if (i % 2 == 1) {
            java.util.Collections.reverse(order);
          }
          for (String method : order) {
            String orderName = order.get(0) + " first";
            Run r;
            if (method.equals("pipeline")) {
              double pg0 = ProcessCpu.treeSeconds(postmasterPid(pg));
              double store0 = ProcessCpu.treeSeconds(store.process.pid());
              r = pipeline(store, pg, dir, table, csv.get(table), i + 1, orderName).withServers(
                  ProcessCpu.treeSeconds(postmasterPid(pg)) - pg0, ProcessCpu.treeSeconds(store.process.pid()) - store0);
            } else {
              // The child JVMs read PostgreSQL's and the store's CPU around their measured call (not their warm-ups).
              r = method.equals("raw") ? rawCopy(pg, store, table, i + 1, orderName)
                  : child(config, pg, store, table, method, i + 1, orderName);
            }
            runs.add(r);
            System.err.println(row(r));
          }
        }
      }
      String out = report(runs, store.peakRssMb(), methods);
      deleteTree(dir.resolve("s3"));
      System.out.println(out);
      // The cluster's close deletes the run's directory: the table goes next to the build output.
      Path results = Path.of("activities/target/archive-bench-results.md").toAbsolutePath();
      Files.writeString(results, out + "\n");
      System.err.println("results in " + results);
    }
  }

  /** Stage timings of the export chain without S3, in a worker-sized JVM (printed, not in the table). */
  private static String profile(PostgresNode pg, String table) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return run(List.of(java, "-Xmx512m", LOGGING, "-cp", System.getProperty("java.class.path"), ArchiveBenchmark.class.getName(),
        "profile", pg.host(), Integer.toString(pg.port()), PASSWORD, table), Map.of()).strip();
  }

  private static List<String> methods() {
    String env = System.getenv("BENCH_METHODS");
    if (env == null || env.isBlank()) {
      return ALL_METHODS;
    }
    List<String> chosen = List.of(env.strip().split("\\s*,\\s*"));
    for (String m : chosen) {
      if (!ALL_METHODS.contains(m.replaceAll(":\\d+$", ""))) {
        throw new IllegalArgumentException("BENCH_METHODS: unknown method '" + m + "'; known: " + ALL_METHODS);
      }
    }
    return chosen;
  }

  private static String report(List<Run> runs, long storeRss, List<String> methods) {
    List<String> lines = new ArrayList<>();
    lines.add("Run at " + Instant.now() + " on " + Runtime.getRuntime().availableProcessors() + " cores.");
    lines.add("");
    lines.add("| partition | run | order | method | CSV bytes | object bytes | seconds | MB/s of CSV | client CPU s"
        + " | PostgreSQL CPU s | store CPU s | worker peak RSS MB | load avg 1/5/15 before |");
    lines.add("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    runs.forEach(r -> lines.add(row(r)));
    lines.add("");
    lines.add("Medians (seconds, MB/s of CSV; export vs raw COPY = raw seconds / export seconds, goal >= 0.80;"
        + " pipeline ratio = pipeline seconds / runbook seconds):");
    lines.add("");
    lines.add("| partition | method | runs | median s | median MB/s of CSV | vs raw COPY | vs raw COPY, same repeat (median)"
        + " | vs pipeline | client CPU s | PostgreSQL CPU s | store CPU s | worker peak RSS MB |");
    lines.add("|---|---|---|---|---|---|---|---|---|---|---|---|");
    for (String table : List.of("small", "large")) {
      double raw = median(runs, table, "raw", Run::secs);
      double p = median(runs, table, "pipeline", Run::secs);
      for (String method : methods.stream().sorted(java.util.Comparator.comparing(m -> ALL_METHODS.indexOf(
          m.replaceAll(":\\d+$", "")))).toList()) {
        double secs = median(runs, table, method, Run::secs);
        if (Double.isNaN(secs)) {
          continue;
        }
        long csv = runs.stream().filter(r -> r.table.equals(table)).mapToLong(Run::csvBytes).findFirst().orElse(0);
        long n = runs.stream().filter(r -> r.table.equals(table) && r.method.equals(method)).count();
        double paired = pairedRatio(runs, table, method);
        lines.add("| %s | %s | %d | %.2f | %.1f | %s | %s | %s | %.1f | %.1f | %.1f | %s |".formatted(table, label(method), n,
            secs, csv / 1e6 / secs, Double.isNaN(raw) ? "-" : "%.2f".formatted(raw / secs),
            Double.isNaN(paired) ? "-" : "%.2f".formatted(paired),
            Double.isNaN(p) || method.equals("pipeline") ? "-" : "%.2fx".formatted(p / secs),
            median(runs, table, method, Run::cpu), median(runs, table, method, Run::pgCpu),
            median(runs, table, method, Run::storeCpu), maxRss(runs, table, method)));
      }
    }
    lines.add("");
    lines.add("S3 store process (S3Proxy) peak RSS: " + storeRss + " MB.");
    return String.join("\n", lines);
  }

  /**
   * Median over the repeats of (raw COPY seconds / {@code method} seconds) within one repeat: the two ran minutes
   * apart at most, so a load swing between repeats moves both.
   */
  private static double pairedRatio(List<Run> runs, String table, String method) {
    double[] ratios = runs.stream().filter(r -> r.table.equals(table) && r.method.equals(method)).mapToDouble(r ->
        runs.stream().filter(x -> x.table.equals(table) && x.method.equals("raw") && x.repeat == r.repeat).findFirst()
            .map(x -> x.secs / r.secs).orElse(Double.NaN)).filter(d -> !Double.isNaN(d)).sorted().toArray();
    if (ratios.length == 0) {
      return Double.NaN;
    }
    return ratios.length % 2 == 1 ? ratios[ratios.length / 2] : (ratios[ratios.length / 2 - 1] + ratios[ratios.length / 2]) / 2;
  }

  private static String label(String method) {
    return switch (method) {
      case "pipeline" -> "pipeline psql\\|gzip>file + aws s3 cp";
      case "raw" -> "raw COPY (CopyManager, bytes dropped)";
      default -> method.contains(":") ? "runbook " + method.replace(":", " level ") : "runbook " + method
          + " (default level)";
    };
  }

  private static String row(Run r) {
    return "| %s | %d | %s | %s | %d | %d | %.2f | %.1f | %.1f | %.1f | %.1f | %s | %s |".formatted(r.table, r.repeat, r.order,
        r.detail.isEmpty() ? label(r.method) : label(r.method) + " (" + r.detail + ")", r.csvBytes, r.objectBytes, r.secs,
        r.csvBytes / 1e6 / r.secs, r.cpu, r.pgCpu, r.storeCpu, r.rss, r.load);
  }

  private static double median(List<Run> runs, String table, String method, java.util.function.ToDoubleFunction<Run> of) {
    double[] s = runs.stream().filter(r -> r.table.equals(table) && r.method.equals(method)).mapToDouble(of)
        .sorted().toArray();
    if (s.length == 0) {
      return Double.NaN;
    }
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static String maxRss(List<Run> runs, String table, String method) {
    return runs.stream().filter(r -> r.table.equals(table) && r.method.equals(method)).map(Run::rss)
        .filter(rss -> !rss.equals("-")).mapToLong(Long::parseLong).max().stream().mapToObj(Long::toString).findFirst().orElse("-");
  }

  private static String load() throws IOException {
    String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
    return f[0] + " " + f[1] + " " + f[2];
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
      st.execute("VACUUM ANALYZE bench." + name);
      System.err.printf("generated %s: %d rows in %.1f s%n", name, rows, (System.nanoTime() - t0) / 1e9);
    }
  }

  /** The seed runbook's way: psql COPY | gzip into a file, then upload it to the same store. */
  private static Run pipeline(StoreProcess store, PostgresNode pg, Path dir, String table, long csvBytes, int repeat,
                              String order) throws Exception {
    Path file = dir.resolve(table + ".csv.gz");
    String copy = "COPY (SELECT * FROM bench." + table + ") TO STDOUT (FORMAT csv, HEADER)";
    String load = load();
    long t0 = System.nanoTime();
    double cpu = childCpu(run(List.of("bash", "-c", "set -o pipefail; psql -h " + pg.host() + " -p " + pg.port()
        + " -U postgres -d postgres -c \"" + copy + "\" | gzip > " + file + "; times"), Map.of("PGPASSWORD", PASSWORD)));
    long t1 = System.nanoTime();
    cpu += childCpu(run(List.of("bash", "-c", "aws s3 cp --only-show-errors --endpoint-url http://127.0.0.1:" + store.port
        + " " + file + " s3://" + BUCKET + "/pipeline/" + table + ".csv.gz; times"),
        Map.of("AWS_ACCESS_KEY_ID", ACCESS, "AWS_SECRET_ACCESS_KEY", SECRET, "AWS_DEFAULT_REGION", "us-east-1")));
    long t2 = System.nanoTime();
    long size = Files.size(file);
    Files.delete(file);
    return new Run(table, "pipeline", repeat, order, csvBytes, size, (t2 - t0) / 1e9, cpu, "-", load,
        "copy+gzip %.1f s, upload %.1f s".formatted((t1 - t0) / 1e9, (t2 - t1) / 1e9), 0, 0);
  }

  /** User + system seconds of a shell's children, from the second line of bash's {@code times}: "0m5.123s 0m0.201s". */
  private static double childCpu(String timesOutput) {
    String[] lines = timesOutput.strip().split("\n");
    double sum = 0;
    for (String t : lines[lines.length - 1].strip().split(" ")) {
      int m = t.indexOf('m');
      sum += Double.parseDouble(t.substring(0, m)) * 60 + Double.parseDouble(t.substring(m + 1, t.length() - 1));
    }
    return sum;
  }

  private static long csvBytes(PostgresNode pg, String table) throws Exception {
    // Exact size of the CSV the pipeline produces, measured once without compression.
    String out = run(List.of("bash", "-c", "psql -h " + pg.host() + " -p " + pg.port() + " -U postgres -d postgres -c \"COPY (SELECT * FROM bench."
        + table + ") TO STDOUT (FORMAT csv, HEADER)\" | wc -c"), Map.of("PGPASSWORD", PASSWORD));
    return Long.parseLong(out.strip());
  }

  /** The runbook's export activity in its own JVM with the dev worker's heap. */
  private static Run child(Path config, PostgresNode pg, StoreProcess store, String table, String compression, int repeat,
                           String order) throws Exception {
    String load = load();
    String[] f = childJvm("export", config.toString(), table, Long.toString(oid(pg, table)), compression,
        Long.toString(postmasterPid(pg)), Long.toString(store.process.pid()));
    return new Run(table, compression, repeat, order, Long.parseLong(f[1]), Long.parseLong(f[2]), Double.parseDouble(f[0]),
        Double.parseDouble(f[4]), f[3], load, "", Double.parseDouble(f[5]), Double.parseDouble(f[6]));
  }

  /** Raw COPY of the same partition through the same CopyManager path into a counting sink, in a worker-sized JVM. */
  private static Run rawCopy(PostgresNode pg, StoreProcess store, String table, int repeat, String order) throws Exception {
    String load = load();
    String[] f = childJvm("rawcopy", pg.host(), Integer.toString(pg.port()), PASSWORD, table,
        Long.toString(postmasterPid(pg)), Long.toString(store.process.pid()));
    return new Run(table, "raw", repeat, order, Long.parseLong(f[1]), 0, Double.parseDouble(f[0]),
        Double.parseDouble(f[4]), f[3], load, "", Double.parseDouble(f[5]), Double.parseDouble(f[6]));
  }

  /** Runs this class in a child JVM with the worker's heap and logging; its last stdout line, split on spaces. */
  private static String[] childJvm(String... args) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx512m", LOGGING, "-cp", System.getProperty("java.class.path"),
        ArchiveBenchmark.class.getName()));
    cmd.addAll(List.of(args));
    String out = run(cmd, Map.of());
    return out.strip().lines().reduce((a, b) -> b).orElseThrow().split(" ");
  }

  private static long oid(PostgresNode pg, String table) throws Exception {
    try (Connection c = pg.connect("postgres"); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT 'bench." + table + "'::regclass::oid")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static long postmasterPid(PostgresNode pg) throws IOException {
    return Long.parseLong(Files.readAllLines(pg.dataDir().resolve("postmaster.pid")).get(0).strip());
  }

  /** Child mode: one exportPartition call through Temporal's activity test environment. */
  private static void export(String[] a) throws Exception {
    Map<String, String> env = Map.of("BENCH_PG_PASSWORD", PASSWORD, "BENCH_S3_ACCESS", ACCESS, "BENCH_S3_SECRET", SECRET);
    String[] method = a[4].split(":");
    String yaml = Files.readString(Path.of(a[1])).replace("compression: gzip", "compression: " + method[0]
        + (method.length > 1 ? "\n  compressionLevel: " + method[1] : ""));
    RunbooksConfig cfg = ConfigLoader.parse(yaml, env, "bench");
    ConnectionFactory connections = new ConnectionFactory(cfg, () -> env, Duration.ofSeconds(5), Duration.ofSeconds(60));
    TestActivityEnvironment testEnv = TestActivityEnvironment.newInstance();
    testEnv.registerActivitiesImplementations(new PostgresArchiveActivitiesImpl(cfg, connections,
        new S3ClientFactory(cfg.archive(), () -> env)));
    PostgresArchiveActivities act = testEnv.newActivityStub(PostgresArchiveActivities.class,
        io.temporal.activity.ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofHours(2)).build());
    // A worker is a long-running JVM: WARMUPS small exports and one of the measured table first, so class loading
    // and JIT are not timed (after one small export, C2 still spent about 1 s of the measured run compiling).
    for (int i = 0; i < WARMUPS; i++) {
      act.exportPartition(new ExportInput(new PartitionRef("bench", "postgres", "bench", "warmup", warmupOid(cfg, env),
          "bench", "events"), "bench-" + System.nanoTime()));
    }
    if (!a[2].equals("warmup")) {
      act.exportPartition(new ExportInput(new PartitionRef("bench", "postgres", "bench", a[2], Long.parseLong(a[3]),
          "bench", "events"), "bench-" + System.nanoTime()));
    }
    Measurement m = new Measurement(a);
    ExportResult r = act.exportPartition(new ExportInput(new PartitionRef("bench", "postgres", "bench", a[2],
        Long.parseLong(a[3]), "bench", "events"), "bench-" + System.nanoTime()));
    Measurement.Result done = m.end("the " + a[4] + " export of " + a[2]);
    testEnv.close();
    System.out.printf("%.2f %d %d %d %.2f%s%n", done.secs(), r.uncompressedBytes(), r.compressedBytes(), peakRssMb("self"),
        done.cpu(), done.servers());
    System.out.flush();
    // The test environment leaves a non-daemon timer thread behind.
    System.exit(0);
  }

  private static long warmupOid(RunbooksConfig cfg, Map<String, String> env) throws Exception {
    var node = cfg.clusters().get("bench").nodes().get(0);
    try (Connection c = java.sql.DriverManager.getConnection("jdbc:postgresql://" + node.host() + ":" + node.port()
        + "/postgres", "postgres", env.get("BENCH_PG_PASSWORD")); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT 'bench.warmup'::regclass::oid")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Store mode: S3Proxy (filesystem backend) in this JVM; prints its port, serves until stdin closes. */
  private static void store(Path dataDir) throws Exception {
    try (S3Store s3 = S3Store.start(new S3StoreOptions(0, dataDir, BUCKET, ACCESS, SECRET))) {
      System.out.println("PORT " + s3.port());
      System.out.flush();
      while (System.in.read() >= 0) {
        // Serve until the harness closes our stdin (or dies).
      }
    }
    System.exit(0);
  }

  private static void deleteTree(Path root) throws IOException {
    try (var paths = Files.walk(root)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  static long peakRssMb(String pid) throws IOException {
    return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(l -> l.startsWith("VmHWM"))
        .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024).findFirst().orElse(-1L);
  }

  /** The S3 store in its own JVM, so its heap neither limits nor inflates the harness or the worker. */
  private static final class StoreProcess implements AutoCloseable {
    private final Process process;
    private final int port;

    private StoreProcess(Process process, int port) {
      this.process = process;
      this.port = port;
    }

    static StoreProcess start(Path dataDir) throws IOException {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process p = new ProcessBuilder(java, "-Xmx1g", LOGGING, "-cp", System.getProperty("java.class.path"),
          ArchiveBenchmark.class.getName(), "store", dataDir.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      String line = new BufferedReader(new InputStreamReader(p.getInputStream())).readLine();
      if (line == null || !line.startsWith("PORT ")) {
        p.destroyForcibly();
        throw new IllegalStateException("S3 store process did not start: " + line);
      }
      return new StoreProcess(p, Integer.parseInt(line.substring(5).strip()));
    }

    long peakRssMb() throws IOException {
      return ArchiveBenchmark.peakRssMb(Long.toString(process.pid()));
    }

    @Override
    public void close() throws Exception {
      process.getOutputStream().close();
      if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
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

  private static String yaml(PostgresNode pg, int s3Port) {
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
          endpoint: http://127.0.0.1:%d
          region: us-east-1
          forcePathStyle: true
          accessKeyEnv: BENCH_S3_ACCESS
          secretKeyEnv: BENCH_S3_SECRET
          compression: gzip
        """.formatted(pg.name(), pg.host(), pg.port(), pg.dataDir(), BUCKET, s3Port);
  }
}
