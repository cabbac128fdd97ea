package io.pgrunbooks.activities.bench;

import java.lang.management.ManagementFactory;

/**
 * One measured call in a child JVM: wall seconds, this JVM's CPU seconds, PostgreSQL's and the store's CPU
 * seconds ({@link ProcessCpu.Servers}, pids from the child's last two arguments) and, under {@code BENCH_PROFILE},
 * the CPU seconds of each thread (sampled only then: sampling costs CPU too).
 */
final class Measurement {
  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private final ProcessCpu.Servers servers;
  private final double[] servers0;
  private final ProcessCpu.Sampler threads;
  private final long cpu0;
  private final long t0;

  Measurement(String[] childArgs) throws Exception {
    servers = ProcessCpu.Servers.fromArgs(childArgs);
    servers0 = servers.now();
    threads = System.getenv("BENCH_PROFILE") != null ? new ProcessCpu.Sampler() : null;
    cpu0 = OS.getProcessCpuTime();
    t0 = System.nanoTime();
  }

  /** Ends it; prints the per-thread profile of {@code what} to stderr under BENCH_PROFILE. */
  Result end(String what) throws Exception {
    double secs = (System.nanoTime() - t0) / 1e9;
    double cpu = (OS.getProcessCpuTime() - cpu0) / 1e9;
    String serverCpu = servers.since(servers0);
    if (threads != null) {
      System.err.println("PROFILE threads of " + what + ": " + threads.stop());
    }
    return new Result(secs, cpu, serverCpu);
  }

  /** @param servers " pgSeconds storeSeconds" for the child's result line */
  record Result(double secs, double cpu, String servers) {}
}
