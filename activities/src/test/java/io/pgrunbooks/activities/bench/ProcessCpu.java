package io.pgrunbooks.activities.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU seconds from {@code /proc} (Linux): of a process tree (PostgreSQL: the postmaster, its live backends and
 * the backends it has reaped) and of this JVM's threads by name, for the benchmark's "where the time goes".
 */
final class ProcessCpu {
  /** USER_HZ; 100 on every Linux this runs on (the kernel's ABI, not CONFIG_HZ). */
  private static final double TICKS = 100.0;

  private ProcessCpu() {}

  /**
   * CPU seconds of PostgreSQL (the postmaster's tree) and of the S3 store process, read by a child JVM right around
   * its measured call, so its warm-ups are not counted. The pids come from the harness as the child's last two
   * arguments.
   */
  record Servers(long postmaster, long store) {
    static Servers fromArgs(String[] a) {
      return new Servers(Long.parseLong(a[a.length - 2]), Long.parseLong(a[a.length - 1]));
    }

    double[] now() throws IOException {
      return new double[] {treeSeconds(postmaster), store > 0 ? treeSeconds(store) : 0};
    }

    /** " pgSeconds storeSeconds" since {@code before}, for the child's result line. */
    String since(double[] before) throws IOException {
      double[] now = now();
      return " %.2f %.2f".formatted(now[0] - before[0], now[1] - before[1]);
    }
  }

  /** utime + stime of {@code pid} and its live descendants, plus the CPU of children {@code pid} has waited for. */
  static double treeSeconds(long pid) throws IOException {
    Map<Long, long[]> all = new HashMap<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
        String[] f = fields(p.resolve("stat"));
        if (f != null) {
          all.put(Long.parseLong(p.getFileName().toString()), new long[] {Long.parseLong(f[1]),
              Long.parseLong(f[11]) + Long.parseLong(f[12]), Long.parseLong(f[13]) + Long.parseLong(f[14])});
        }
      }
    }
    long[] root = all.get(pid);
    if (root == null) {
      return 0;
    }
    long ticks = root[1] + root[2];
    for (var e : all.entrySet()) {
      if (e.getKey() != pid && descends(all, e.getKey(), pid)) {
        ticks += e.getValue()[1];
      }
    }
    return ticks / TICKS;
  }

  /** CPU seconds of this JVM's live threads, by thread id: {@code [name, seconds]}. */
  static Map<String, Double> threads() throws IOException {
    Map<String, Double> out = new HashMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path t : tasks.toList()) {
        String comm = Files.exists(t.resolve("comm")) ? Files.readString(t.resolve("comm")).strip() : "?";
        String[] f = fields(t.resolve("stat"));
        if (f != null) {
          out.put(t.getFileName() + " " + comm, (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS);
        }
      }
    }
    return out;
  }

  /**
   * Samples this JVM's threads every 250 ms until {@link #stop}, so threads that end before the measurement does
   * (zstd workers, upload pools) are counted with the CPU they had at their last sample.
   */
  static final class Sampler {
    private final Map<String, Double> before;
    private final Map<String, Double> last = new java.util.concurrent.ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    Sampler() throws IOException {
      before = threads();
      thread = new Thread(() -> {
        while (running) {
          try {
            last.putAll(threads());
            Thread.sleep(250);
          } catch (IOException | InterruptedException e) {
            return;
          }
        }
      }, "bench-cpu-sampler");
      thread.setDaemon(true);
      thread.start();
    }

    /** CPU seconds per thread name since the start, largest first (threads under 0.05 s left out). */
    String stop() throws IOException, InterruptedException {
      running = false;
      thread.join();
      last.putAll(threads());
      Map<String, Double> byName = new HashMap<>();
      for (var e : last.entrySet()) {
        double d = e.getValue() - before.getOrDefault(e.getKey(), 0.0);
        String name = e.getKey().substring(e.getKey().indexOf(' ') + 1).replaceAll("[#-]?\\d+$", "");
        byName.merge(name, d, Double::sum);
      }
      Map<String, Double> sorted = new LinkedHashMap<>();
      byName.entrySet().stream().filter(e -> e.getValue() >= 0.05)
          .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
          .forEach(e -> sorted.put(e.getKey(), Math.round(e.getValue() * 100) / 100.0));
      return sorted.toString();
    }
  }

  private static boolean descends(Map<Long, long[]> all, long pid, long root) {
    for (int depth = 0; depth < 64; depth++) {
      long[] p = all.get(pid);
      if (p == null || p[0] <= 1) {
        return false;
      }
      if (p[0] == root) {
        return true;
      }
      pid = p[0];
    }
    return false;
  }

  /** The fields after the command name (which may hold spaces): [0] state, [1] ppid, ... [11] utime, [12] stime. */
  private static String[] fields(Path stat) {
    try {
      String s = Files.readString(stat);
      return s.substring(s.lastIndexOf(')') + 2).split(" ");
    } catch (IOException e) {
      return null;
    }
  }
}
