package io.pgrunbooks.config;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Checks schedules, including that their input names a configured cluster (and database). */
final class ScheduleValidator {
  private ScheduleValidator() {}

  static void validate(RunbooksConfig config, Problems p) {
    List<ScheduleConfig> schedules = config.schedules();
    Map<String, Integer> ids = new HashMap<>();
    for (int i = 0; i < schedules.size(); i++) {
      String path = Problems.index("schedules", i);
      ScheduleConfig s = schedules.get(i);
      if (s == null) {
        p.add(path, "must be a mapping with id, workflowType, cron and input");
        continue;
      }
      if (Checks.required(p, path + ".id", s.id())) {
        Integer first = ids.putIfAbsent(s.id(), i);
        if (first != null) {
          p.add(path + ".id", "duplicate schedule id " + s.id() + " (also schedules[" + first + "])");
        }
      }
      if (Checks.required(p, path + ".workflowType", s.workflowType())) {
        Checks.oneOf(p, path + ".workflowType", s.workflowType(), RunbookKinds.fromClassPath().names(), "workflow type");
      }
      CronCalendar calendar = cron(s.cron(), path + ".cron", p);
      Checks.oneOf(p, path + ".overlap", s.overlap(), ScheduleConfig.OVERLAP_POLICIES, "overlap policy");
      Checks.positive(p, path + ".catchupWindow", s.catchupWindow());
      Checks.positive(p, path + ".startEarly", s.startEarly());
      if (calendar != null && s.startEarly() != null && !s.startEarly().isNegative() && !s.startEarly().isZero()) {
        try {
          calendar.earlier(s.startEarly());
        } catch (IllegalArgumentException e) {
          p.add(path + ".startEarly", e.getMessage());
        }
      }
      jitter(s, calendar, path + ".jitter", p);
      input(config, s, path + ".input", p);
    }
  }

  /** Not negative, whole seconds, and shorter than the shortest gap between two runs (or runs would swap order). */
  private static void jitter(ScheduleConfig s, CronCalendar calendar, String path, Problems p) {
    Duration jitter = s.jitter();
    if (jitter.isNegative()) {
      p.add(path, "must be 0 (off) or positive, got " + Durations.format(jitter));
      return;
    }
    if (jitter.getNano() != 0) {
      p.add(path, "must be whole seconds, got " + Durations.format(jitter));
      return;
    }
    if (calendar != null && jitter.compareTo(calendar.shortestGap()) >= 0) {
      p.add(path, Durations.format(jitter) + " is not shorter than the " + Durations.format(calendar.shortestGap())
          + " between two runs of \"" + s.cron() + "\"; a run could start after the next one is due");
    }
  }

  private static CronCalendar cron(String cron, String path, Problems p) {
    if (!Checks.required(p, path, cron)) {
      return null;
    }
    try {
      return CronCalendar.parse(cron);
    } catch (IllegalArgumentException e) {
      p.add(path, e.getMessage().startsWith("\"") ? e.getMessage() : "\"" + cron + "\": " + e.getMessage());
      return null;
    }
  }

  private static void input(RunbooksConfig config, ScheduleConfig s, String path, Problems p) {
    String cluster = text(s.input().get("cluster"), path + ".cluster", p);
    if (cluster == null) {
      return;
    }
    ClusterConfig c = config.cluster(cluster);
    if (c == null) {
      p.add(path + ".cluster", "unknown cluster " + cluster + " (known: " + String.join(", ", config.clusters().keySet()) + ")");
      return;
    }
    RunbookKinds kinds = RunbookKinds.fromClassPath();
    boolean partitioned = kinds.scheduleNeeds(s.workflowType(), "PARTITIONED_DATABASE");
    if (!partitioned && !kinds.scheduleNeeds(s.workflowType(), "DATABASE")) {
      return;
    }
    String database = text(s.input().get("database"), path + ".database", p);
    if (database != null && partitioned && c.database(database) == null) {
      p.add(path + ".database", "database " + database + " has no partition policies in clusters." + cluster + ".databases");
    }
  }

  private static String text(Object value, String path, Problems p) {
    if (value == null) {
      p.add(path, "is required");
      return null;
    }
    if (!(value instanceof String s) || s.isBlank()) {
      p.add(path, "must be a name, got " + value);
      return null;
    }
    return s;
  }
}
