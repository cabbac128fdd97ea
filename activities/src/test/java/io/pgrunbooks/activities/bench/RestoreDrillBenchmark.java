package io.pgrunbooks.activities.bench;

import io.pgrunbooks.activities.node.DrillScratchActivitiesImpl;
import io.pgrunbooks.activities.node.PgBackRestActivitiesImpl;
import io.pgrunbooks.activities.postgres.ConnectionFactory;
import io.pgrunbooks.activities.postgres.RestoreDrillActivitiesImpl;
import io.pgrunbooks.config.ConfigLoader;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.ops.stack.LocalStack;
import io.pgrunbooks.ops.stack.PgBackRestStack;
import io.pgrunbooks.ops.stack.PostgresCluster;
import io.pgrunbooks.ops.stack.PostgresClusterOptions;
import io.pgrunbooks.ops.stack.PostgresNode;
import io.pgrunbooks.ops.stack.Prerequisites;
import io.pgrunbooks.ops.stack.S3Store;
import io.pgrunbooks.ops.stack.S3StoreOptions;
import io.pgrunbooks.workflows.physicalbackup.PgBackRestBackup;
import io.pgrunbooks.workflows.physicalbackup.PgBackRestCall;
import io.pgrunbooks.workflows.restoredrill.DrillInstance;
import io.pgrunbooks.workflows.restoredrill.DrillRemoveCall;
import io.pgrunbooks.workflows.restoredrill.DrillRestoreCall;
import io.pgrunbooks.workflows.restoredrill.SentinelCall;
import io.pgrunbooks.workflows.restoredrill.SentinelFacts;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * bench/restore-drill: on a cached ~2 GB database ({@code pgbench -i -s <bench.scale>}, default 130) with one full
 * pgBackRest backup in the S3 store over HTTPS (plus a new incremental per invocation), per run: RestoreDrill's restore
 * activity (its RTO: restore start to a queryable instance) versus bare {@code pgbackrest restore} +
 * {@code pg_ctl start -w} + {@code pg_isready} to the same target time, in this process, alternating which goes
 * first; after the restores, per run, the archive lag under {@code pgbench -R} for {@code bench.loadSeconds} (60). Not part of the suite (the name does not end in Test): {@code bench/restore-drill/run.sh}.
 */
class RestoreDrillBenchmark {
  private static final String CLUSTER = "bench";
  private static final String STANZA = "bench";
  private static final String REPO = "/pgbackrest/bench";

  @Test
  void restoreDrillVersusBareRestoreAndArchiveLag() throws Exception {
    int scale = Integer.getInteger("bench.scale", 130);
    int runs = Integer.getInteger("bench.runs", 3);
    int rate = Integer.getInteger("bench.rate", 300);
    int loadSeconds = Integer.getInteger("bench.loadSeconds", 60);
    Path cache = Path.of(System.getProperty("bench.dir", "/var/tmp/pg-runbooks-bench/restore-drill"));
    Path ready = cache.resolve("ready");
    boolean cached = Files.exists(ready) && Files.readString(ready).startsWith(scale + " ");
    if (!cached && Files.exists(cache)) {
      deleteTree(cache);
    }
    Files.createDirectories(cache);
    PgBackRestStack.writeArchiveSettings(cache, List.of("pg1"), STANZA);
    try (S3Store s3 = S3Store.start(new S3StoreOptions(0, cache.resolve("s3"), LocalStack.BUCKET, "ak", "sk-secret",
             cache.resolve("tls"), 0));
         PostgresCluster cluster = PostgresCluster.start(new PostgresClusterOptions(cache, "pg1", 0, List.of(),
             List.of(), null, true))) {
      PostgresNode pg = cluster.primary();
      PgBackRestStack stack = PgBackRestStack.configure(cache, cluster, s3, STANZA, REPO, null);
      RunbooksConfig config = ConfigLoader.parse("""
          clusters:
            %s:
              nodes:
                - {name: pg1, host: 127.0.0.1, port: %d, dataDir: %s}
              pgbackrest: {stanza: %s, configFile: %s, repoPath: %s}
          """.formatted(CLUSTER, pg.port(), pg.dataDir(), STANZA, stack.configFile(), REPO), Map.of(), "bench");
      String label;
      if (cached) {
        // A new incremental on the cached full: each invocation replays only its own WAL, not every earlier one's.
        long t = System.nanoTime();
        label = new PgBackRestActivitiesImpl(config, "pg1", Map.of()).pgbackrestBackup(new PgBackRestCall(CLUSTER,
            "incr", "bench-incr-" + System.currentTimeMillis(), List.of())).label();
        System.out.printf("BENCH source: cached in %s, full %s, new incremental %s in %.1f s%n", cache,
            Files.readString(ready).strip().split(" ")[1], label, (System.nanoTime() - t) / 1e9);
      } else {
        label = build(pg, config, scale, ready);
      }
      System.out.printf("BENCH database %s, %s in the repository%n", psql(pg, "bench",
          "SELECT pg_size_pretty(pg_database_size('bench'))"), repoSize(config, label));
      RestoreDrillActivitiesImpl central = new RestoreDrillActivitiesImpl(config, new ConnectionFactory(config));
      DrillScratchActivitiesImpl scratch = new DrillScratchActivitiesImpl(config, "pg1", Map.of());
      Bare bare = new Bare(new Prerequisites(), stack.configFile(), pg.dataDir().resolveSibling("bench-bare"), label);
      List<Double> drill = new ArrayList<>();
      List<Double> drillWall = new ArrayList<>();
      List<Double> raw = new ArrayList<>();
      List<double[]> lags = new ArrayList<>();
      for (int i = 1; i <= runs; i++) {
        String name = "drill-bench-" + i;
        SentinelFacts s = central.drillSentinels(new SentinelCall(CLUSTER, "bench", name + "-" + System.nanoTime(),
            0));
        boolean drillFirst = i % 2 == 1;
        double bareSeconds = drillFirst ? 0 : bare.restore(s.target());
        sync();
        long t0 = System.nanoTime();
        DrillInstance d = scratch.drillRestore(new DrillRestoreCall(CLUSTER, name, label, s.target()));
        double wall = (System.nanoTime() - t0) / 1e9;
        scratch.drillRemove(new DrillRemoveCall(CLUSTER, name));
        sync();
        bareSeconds = drillFirst ? bare.restore(s.target()) : bareSeconds;
        drill.add(d.rtoSeconds());
        drillWall.add(wall);
        raw.add(bareSeconds);
        System.out.printf("BENCH run %d (%s first): RestoreDrill RTO %.2f s (restore %.2f s, activity wall %.2f s) |"
                + " bare restore + pg_ctl start -w + pg_isready %.2f s (restore %.2f s, pg_ctl -w returned at %.2f s)"
                + " | ratio %.3f (wall %.3f)%n", i, drillFirst ? "drill" : "bare", d.rtoSeconds(), d.restoreSeconds(),
            wall, bareSeconds, bare.lastRestore, bare.lastStarted, d.rtoSeconds() / bareSeconds, wall / bareSeconds);
      }
      // The load's WAL after the restores: every restore pair replays about the same WAL.
      for (int i = 1; i <= runs; i++) {
        double[] lag = archiveLag(new Prerequisites(), pg, rate, loadSeconds);
        lags.add(lag);
        System.out.printf("BENCH run %d archive lag under pgbench -R %d for %d s: last_archived_time age median %.1f s,"
                + " max %.1f s; oldest .ready segment age median %.1f s, max %.1f s; .ready max %.0f; %.0f segments"
                + " archived, %.0f failures, %.1f MB WAL, %.0f tps (%.0f samples before the first archive under load"
                + " left out)%n", i, rate, loadSeconds, lag[0], lag[1], lag[2], lag[3], lag[4], lag[5], lag[6], lag[7],
            lag[8], lag[9]);
      }
      System.out.printf("BENCH median of %d: RestoreDrill RTO %.2f s (activity wall %.2f s), bare %.2f s, ratio %.3f"
              + " (wall %.3f); archive lag median of medians %.1f s, max of max %.1f s (oldest .ready: %.1f s, %.1f s)%n",
          runs, median(drill), median(drillWall), median(raw), median(drill) / median(raw),
          median(drillWall) / median(raw), median(lags.stream().map(l -> l[0]).toList()),
          lags.stream().mapToDouble(l -> l[1]).max().orElse(0), median(lags.stream().map(l -> l[2]).toList()),
          lags.stream().mapToDouble(l -> l[3]).max().orElse(0));
    }
  }

  /** pgbench -i into database bench, a CHECKPOINT, a full backup; the marker makes the next run reuse all of it. */
  private static String build(PostgresNode pg, RunbooksConfig config, int scale, Path ready) throws Exception {
    long t = System.nanoTime();
    pg.psql("postgres", "CREATE DATABASE bench");
    run(List.of(new Prerequisites().pgTool("pgbench").toString(), "-i", "-q", "-s", Integer.toString(scale), "-h",
        pg.host(), "-p", Integer.toString(pg.port()), "-U", "postgres", "bench"), 3600);
    pg.psql("bench", "CHECKPOINT");
    System.out.printf("BENCH built pgbench scale %d in %.1f s%n", scale, (System.nanoTime() - t) / 1e9);
    t = System.nanoTime();
    PgBackRestBackup full = new PgBackRestActivitiesImpl(config, "pg1", Map.of())
        .pgbackrestBackup(new PgBackRestCall(CLUSTER, "full", "bench-full", List.of()));
    System.out.printf("BENCH full backup %s in %.1f s%n", full.label(), (System.nanoTime() - t) / 1e9);
    Files.writeString(ready, scale + " " + full.label() + "\n");
    return full.label();
  }

  /**
   * Samples pg_stat_archiver once a second while pgbench runs at a fixed rate: [last_archived_time age median, max,
   * oldest .ready age median, max, max .ready count, segments archived, failures, MB of WAL, tps].
   */
  private static double[] archiveLag(Prerequisites pre, PostgresNode pg, int rate, int seconds) throws Exception {
    List<Double> age = new ArrayList<>();
    List<Double> oldest = new ArrayList<>();
    double maxReady = 0;
    int idle = 0;
    try (Connection c = pg.connect("bench"); Statement st = c.createStatement()) {
      double[] before = archiver(st);
      Process load = new ProcessBuilder(pre.pgTool("pgbench").toString(), "-n", "-c", "4", "-j", "2", "-R",
          Integer.toString(rate), "-T", Integer.toString(seconds), "-h", pg.host(), "-p", Integer.toString(pg.port()),
          "-U", "postgres", "bench").redirectErrorStream(true).start();
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      while (System.nanoTime() < end) {
        Thread.sleep(1000);
        double ageNow;
        double readyNow;
        double oldestNow;
        try (ResultSet rs = st.executeQuery("SELECT extract(epoch FROM now() - last_archived_time), "
            + "(SELECT count(*) FROM pg_ls_archive_statusdir() WHERE name LIKE '%.ready'), "
            + "(SELECT coalesce(extract(epoch FROM now() - min(modification)), 0) FROM pg_ls_archive_statusdir() "
            + "WHERE name LIKE '%.ready') FROM pg_stat_archiver")) {
          rs.next();
          ageNow = rs.getDouble(1);
          readyNow = rs.getDouble(2);
          oldestNow = rs.getDouble(3);
        }
        // Before the load's first segment is archived the age is the idle time before the load: not lag.
        if (archiver(st)[0] > before[0]) {
          age.add(ageNow);
        } else {
          idle++;
        }
        maxReady = Math.max(maxReady, readyNow);
        oldest.add(oldestNow);
      }
      String out = new String(load.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      load.waitFor(60, TimeUnit.SECONDS);
      double tps = out.lines().filter(l -> l.startsWith("tps")).findFirst()
          .map(l -> Double.parseDouble(l.replaceAll("tps = ([0-9.]+).*", "$1"))).orElse(-1.0);
      double[] after = archiver(st);
      return new double[] {median(age), age.isEmpty() ? -1 : Collections.max(age), median(oldest),
          Collections.max(oldest), maxReady, after[0] - before[0], after[1] - before[1],
          (after[2] - before[2]) / 1e6, tps, idle};
    }
  }

  private static double[] archiver(Statement st) throws Exception {
    try (ResultSet rs = st.executeQuery("SELECT archived_count, failed_count, "
        + "pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0') FROM pg_stat_archiver")) {
      rs.next();
      return new double[] {rs.getDouble(1), rs.getDouble(2), rs.getDouble(3)};
    }
  }

  /** The bare procedure a DBA would type: pgbackrest restore, pg_ctl start -w, pg_isready until it answers. */
  private static final class Bare {
    private final Prerequisites pre;
    private final Path configFile;
    private final Path dir;
    private final String label;
    double lastRestore;
    double lastStarted;

    Bare(Prerequisites pre, Path configFile, Path dir, String label) {
      this.pre = pre;
      this.configFile = configFile;
      this.dir = dir;
      this.label = label;
    }

    double restore(String target) throws Exception {
      deleteTree(dir);
      Files.createDirectories(dir);
      Prerequisites.giveToPostgresUser(dir);
      Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
      int port = freePort();
      long t0 = System.nanoTime();
      run(Prerequisites.asPostgresUser(List.of(PgBackRestStack.BINARY.toString(), "--config=" + configFile,
          "--stanza=" + STANZA, "--repo1-path=" + REPO, "--pg1-path=" + dir, "--set=" + label, "--type=time",
          "--target=" + target, "--target-action=promote", "--archive-mode=off", "restore")), 7200);
      lastRestore = (System.nanoTime() - t0) / 1e9;
      // hot_standby=off: pg_ctl -w and pg_isready answer only once recovery reached the target and promoted (with hot
      // standby they answer as soon as the instance is consistent, before the target).
      run(Prerequisites.asPostgresUser(List.of(pre.pgTool("pg_ctl").toString(), "-D", dir.toString(), "-l",
          dir.resolve("bare.log").toString(), "-w", "-t", "7200", "-o", "-c port=" + port
              + " -c unix_socket_directories='' -c archive_mode=off -c hot_standby=off", "start")), 7300);
      lastStarted = (System.nanoTime() - t0) / 1e9;
      while (!runQuiet(List.of(pre.pgTool("pg_isready").toString(), "-h", "127.0.0.1", "-p",
          Integer.toString(port), "-t", "5"))) {
        Thread.sleep(100);
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      run(Prerequisites.asPostgresUser(List.of(pre.pgTool("pg_ctl").toString(), "-D", dir.toString(), "-m",
          "immediate", "-w", "stop")), 120);
      deleteTree(dir);
      return seconds;
    }
  }

  private static String repoSize(RunbooksConfig config, String label) {
    return new PgBackRestActivitiesImpl(config, "pg1", Map.of()).pgbackrestInfo(PgBackRestCall.info(CLUSTER))
        .stream().filter(b -> b.label().equals(label)).findFirst()
        .map(b -> String.format("%.0f MB (database %.0f MB)", b.repoSize() / 1e6, b.size() / 1e6)).orElse("?");
  }

  private static String psql(PostgresNode pg, String db, String sql) {
    return pg.psql(db, sql).strip();
  }

  /** Dirty pages of one side are written before the other side's clock starts. */
  private static void sync() throws Exception {
    run(List.of("sync"), 600);
  }

  private static void run(List<String> cmd, long timeoutSeconds) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
    }
  }

  private static boolean runQuiet(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (Files.exists(root)) {
      try (var files = Files.walk(root)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n == 0 ? 0 : n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
