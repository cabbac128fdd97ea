package io.pgrunbooks.worker.crash;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The sweep's result: one row per runbook and kill point. Rewritten to {@code target/crash-sweep.md} after every row
 * (so a sweep cut short still leaves its table) and printed to the test output.
 */
final class SweepTable {
  /** One replay: its outcome ({@code ok}, {@code FAIL}, {@code missed}, {@code known failing}) and why. */
  record Row(String runbook, String point, String outcome, double seconds, String detail) {
    boolean failed() {
      return outcome.startsWith("FAIL");
    }
  }

  private static final List<Row> ROWS = new ArrayList<>();
  private static final Instant STARTED = Instant.now();

  private SweepTable() {}

  static synchronized void add(Row row) {
    ROWS.add(row);
    System.out.printf("SWEEP | %-18s | %-58s | %-14s | %6.1f s | %s%n", row.runbook(), row.point(), row.outcome(),
        row.seconds(), row.detail());
    write();
  }

  static synchronized List<Row> rows(String runbook) {
    return ROWS.stream().filter(r -> r.runbook().equals(runbook)).toList();
  }

  static synchronized String markdown() {
    StringBuilder md = new StringBuilder("# Crash-point sweep\n\nStarted ").append(STARTED).append(", mode `")
        .append(CrashSweep.FULL ? "full" : "ci").append("`; rows so far: ").append(ROWS.size()).append(", failed: ")
        .append(ROWS.stream().filter(Row::failed).count()).append(".\n\n")
        .append("| runbook | kill point | outcome | seconds | detail |\n|---|---|---|---:|---|\n");
    for (Row r : ROWS) {
      md.append("| ").append(r.runbook()).append(" | ").append(r.point()).append(" | ").append(r.outcome())
          .append(" | ").append(String.format("%.1f", r.seconds())).append(" | ")
          .append(r.detail().replace("|", "\\|").replace("\n", " ")).append(" |\n");
    }
    return md.toString();
  }

  private static void write() {
    try {
      Path target = Path.of(System.getProperty("basedir", "."), "target");
      Files.createDirectories(target);
      Files.writeString(target.resolve("crash-sweep.md"), markdown());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
