package io.pgrunbooks.activities.bench;

import com.github.luben.zstd.ZstdOutputStream;
import io.pgrunbooks.activities.postgres.ContentHash;
import io.pgrunbooks.activities.postgres.CsvExport;
import io.pgrunbooks.activities.s3.Compression;
import io.pgrunbooks.activities.s3.DigestStreams;
import io.pgrunbooks.activities.s3.PipelinedOutputStream;
import io.pgrunbooks.config.ArchiveConfig;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.postgresql.PGConnection;

/**
 * Where the export's time goes: the same COPY through PgJDBC's CopyManager into progressively more of the
 * export's chain, writing into a null stream instead of S3, each stage {@code repeats} times interleaved,
 * median reported with the CPU seconds of this JVM per stage. Stages: the raw COPY; + SHA-256 of the CSV;
 * the previous one-thread chain (SHA-256, zstd level 3 with 2 zstd workers, SHA-256 of the object); the
 * current two-thread chain ({@link CsvExport}, default level); variants of the two-thread chain by zstd level and workers;
 * gzip with {@code BENCH_PROFILE_GZIP=1}. Usage: {@code ArchiveBenchmark profile <host> <port> <password> <table> [repeats]}.
 */
final class StageProfile {
  private StageProfile() {}

  interface Stage {
    OutputStream chain(OutputStream sink) throws IOException;
  }

  static void main(String[] a) throws Exception {
    String url = "jdbc:postgresql://" + a[1] + ":" + a[2] + "/postgres";
    int repeats = a.length > 5 ? Integer.parseInt(a[5]) : 3;
    String table = "bench." + a[4];
    Map<String, Stage> stages = new LinkedHashMap<>();
    stages.put("raw COPY into a counting sink", sink -> sink);
    stages.put("COPY + SHA-256 of the CSV (one thread)", sink -> new DigestStreams.Out(sink, null));
    stages.put("one thread: SHA + zstd 3 (2 workers) + SHA, as before", sink -> buffered(
        new DigestStreams.Out(Compression.compress("zstd", 3, new DigestStreams.Out(sink, null)), null)));
    stages.put("two threads: CsvExport zstd " + ArchiveConfig.DEFAULT_ZSTD_LEVEL + " (the export now, default level)", null);
    for (int level : new int[] {1, 3}) {
      for (int workers : new int[] {0, 2}) {
        stages.put("two threads: SHA + zstd " + level + " (" + workers + " workers) + SHA", sink -> staged(
            new DigestStreams.Out(zstd(new DigestStreams.Out(sink, null), level, workers), null)));
      }
    }
    if (System.getenv("BENCH_PROFILE_GZIP") != null) {
      stages.put("one thread: SHA + parallel gzip 6 + SHA, as before", sink -> buffered(
          new DigestStreams.Out(Compression.compress("gzip", 6, new DigestStreams.Out(sink, null)), null)));
      stages.put("two threads: CsvExport gzip 6 (the export now)", null);
    }
    var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    Map<String, List<double[]>> results = new LinkedHashMap<>();
    try (Connection c = DriverManager.getConnection(url, "postgres", a[3])) {
      for (int r = 0; r < repeats + 1; r++) {
        for (var s : stages.entrySet()) {
          long cpu0 = os.getProcessCpuTime();
          long t0 = System.nanoTime();
          // The first round copies the small warm-up table: JIT and class loading out of the measured rounds.
          run(c, r == 0 ? "bench.warmup" : table, s.getKey(), s.getValue());
          double secs = (System.nanoTime() - t0) / 1e9;
          if (r > 0) {
            results.computeIfAbsent(s.getKey(), k -> new ArrayList<>()).add(new double[] {secs,
                (os.getProcessCpuTime() - cpu0) / 1e9});
          }
        }
      }
    }
    System.out.println("| stage (" + a[4] + ", COPY into a null sink, no S3) | median s | median JVM CPU s | runs s |");
    System.out.println("|---|---|---|---|");
    for (var e : results.entrySet()) {
      double[] secs = e.getValue().stream().mapToDouble(x -> x[0]).sorted().toArray();
      double[] cpu = e.getValue().stream().mapToDouble(x -> x[1]).sorted().toArray();
      StringBuilder all = new StringBuilder();
      e.getValue().forEach(x -> all.append(all.isEmpty() ? "" : ", ").append("%.2f".formatted(x[0])));
      System.out.printf("| %s | %.2f | %.2f | %s |%n", e.getKey(), secs[secs.length / 2], cpu[cpu.length / 2], all);
    }
  }

  private static void run(Connection c, String table, String name, Stage stage) throws Exception {
    c.setAutoCommit(false);
    try (Statement st = c.createStatement()) {
      st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
      ContentHash.canonicalSettings(c);
      st.execute("LOCK TABLE " + table + " IN SHARE MODE");
    }
    if (stage == null) {
      CsvExport.copy(c, table, name.contains("gzip") ? "gzip" : "zstd", name.contains("gzip") ? ArchiveConfig.DEFAULT_GZIP_LEVEL
          : ArchiveConfig.DEFAULT_ZSTD_LEVEL,
          OutputStream.nullOutputStream(), b -> {});
    } else {
      try (OutputStream out = stage.chain(OutputStream.nullOutputStream())) {
        c.unwrap(PGConnection.class).getCopyAPI().copyOut(ContentHash.copySql(table), out);
      }
    }
    c.commit();
  }

  private static OutputStream buffered(OutputStream chain) {
    return new BufferedOutputStream(chain, 1 << 20);
  }

  private static OutputStream staged(OutputStream chain) {
    return new PipelinedOutputStream(chain, "archive-compress", 1 << 20, 8);
  }

  private static OutputStream zstd(OutputStream out, int level, int workers) throws IOException {
    ZstdOutputStream z = new ZstdOutputStream(out, level);
    if (workers > 0) {
      z.setWorkers(workers);
    }
    return z;
  }
}
