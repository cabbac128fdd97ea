package io.pgrunbooks.ops.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Config files with a {@code schedules} section, for the schedule and Temporal UI tests. */
public final class ScheduleTestConfigs {
  private static final String CLUSTER = """
      clusters:
        main:
          nodes:
            - {name: pg1, host: 127.0.0.1, port: 5432, dataDir: /data/pg1}
            - {name: pg2, host: 127.0.0.1, port: 5433, dataDir: /data/pg2}
      schedules:
      """;

  private ScheduleTestConfigs() {}

  /** The seed cadence of ops/config/dev.yml minus PartitionMaintenance (which needs partition policies). */
  public static String seedSchedules(String prefix) {
    return entry(prefix + "health-check-main", "HealthCheck", "0 6 * * *", "{cluster: main}", "")
        + entry(prefix + "backup-main-app", "Backup", "0 1 * * *", "{cluster: main, database: app}", "")
        + entry(prefix + "failover-drill-main", "FailoverDrill", "0 3 1-7 * 0", "{cluster: main}",
            "startEarly: 3h\n    pauseOnFailure: true\n");
  }

  public static String entry(String id, String type, String cron, String input, String extra) {
    return "  - id: " + id + "\n    workflowType: " + type + "\n    cron: \"" + cron + "\"\n    input: " + input
        + "\n" + (extra.isEmpty() ? "" : "    " + extra);
  }

  /** Writes a config with these schedule entries to a temp file. */
  public static Path write(String scheduleEntries) {
    return write("", scheduleEntries);
  }

  /** The same, with {@code head} (e.g. a {@code temporal} section) before the clusters. */
  public static Path write(String head, String scheduleEntries) {
    try {
      Path file = Files.createTempFile("runbooks-schedules-", ".yml");
      Files.writeString(file, head + CLUSTER + scheduleEntries);
      file.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
