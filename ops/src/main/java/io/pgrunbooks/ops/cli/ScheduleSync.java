package io.pgrunbooks.ops.cli;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.pgrunbooks.config.Durations;
import io.pgrunbooks.config.ScheduleConfig;
import io.pgrunbooks.client.PlainWords;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleDescription;
import io.temporal.client.schedules.ScheduleHandle;
import io.temporal.client.schedules.ScheduleListDescription;
import io.temporal.client.schedules.ScheduleUpdate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Makes Temporal's schedules match the config's {@code schedules}, idempotently: a missing one is
 * created, a different one updated (keeping its paused state), an equal one left alone; a schedule
 * this tool created that is no longer in the config is deleted only with {@code prune}. Used by
 * {@code runbooks schedules apply} and {@code runbooks dev}.
 */
final class ScheduleSync {
  /** What one apply did; {@code foreign} counts config ids taken by schedules this tool did not create. */
  record Result(int created, int updated, int unchanged, int deleted, int notInConfig, int foreign) {}

  private final ScheduleClient schedules;
  private final boolean dryRun;
  private final Consumer<String> out;

  ScheduleSync(ScheduleClient schedules, boolean dryRun, Consumer<String> out) {
    this.schedules = schedules;
    this.dryRun = dryRun;
    this.out = out;
  }

  Result apply(List<ScheduleConfig> wanted, boolean prune) {
    int created = 0;
    int updated = 0;
    int unchanged = 0;
    int foreign = 0;
    String would = dryRun ? "would be " : "";
    for (ScheduleConfig s : wanted) {
      Schedule schedule = RunbookSchedules.schedule(s);
      ScheduleHandle handle = schedules.getHandle(s.id());
      ScheduleDescription current = describeOrNull(handle);
      if (current == null) {
        if (!dryRun) {
          schedules.createSchedule(s.id(), schedule, RunbookSchedules.options());
        }
        out.accept(would + "created   " + s.id() + "  " + s.workflowType() + " at " + ScheduleCalendars.describe(
            schedule.getSpec()) + " UTC" + (s.startEarly() == null ? "" : " (cron " + s.cron() + " started "
            + Durations.format(s.startEarly()) + " early)")
            + (s.jitter().isZero() ? "" : ", each run up to " + Durations.format(s.jitter()) + " later (jitter)"));
        created++;
      } else if (!RunbookSchedules.managed(current)) {
        out.accept("not ours  " + s.id() + ": a schedule with this id exists but was not created by runbooks "
            + "(no memo " + RunbookSchedules.MANAGED_BY_KEY + "=" + RunbookSchedules.MANAGED_BY
            + "); left alone, rename the config entry or delete that schedule");
        foreign++;
      } else {
        List<String> changes = ScheduleDiff.changes(schedule, current.getSchedule());
        if (changes.isEmpty()) {
          out.accept("unchanged " + s.id());
          unchanged++;
        } else {
          if (!dryRun) {
            handle.update(in -> new ScheduleUpdate(Schedule.newBuilder(schedule)
                .setState(in.getDescription().getSchedule().getState()).build()));
          }
          out.accept(would + "updated   " + s.id() + ": " + String.join("; ", changes));
          updated++;
        }
      }
    }
    Set<String> ids = new TreeSet<>(wanted.stream().map(ScheduleConfig::id).toList());
    List<String> stale = new ArrayList<>(managedIds());
    stale.removeAll(ids);
    int deleted = 0;
    for (String id : stale) {
      if (prune) {
        if (!dryRun) {
          deleteIfPresent(schedules.getHandle(id));
        }
        out.accept(would + "deleted   " + id + " (not in config)");
        deleted++;
      } else {
        out.accept("not in config (use --prune to delete): " + id);
      }
    }
    return new Result(created, updated, unchanged, deleted, prune ? 0 : stale.size(), foreign);
  }

  /** Ids of the schedules this tool created (memo managedBy), from Temporal's visibility store. */
  List<String> managedIds() {
    return new ArrayList<>(managed().keySet());
  }

  Map<String, ScheduleListDescription> managed() {
    Map<String, ScheduleListDescription> found = new LinkedHashMap<>();
    schedules.listSchedules().filter(RunbookSchedules::managed).sorted(
        Comparator.comparing(ScheduleListDescription::getScheduleId))
        .forEach(d -> found.put(d.getScheduleId(), d));
    return found;
  }

  static ScheduleDescription describeOrNull(ScheduleHandle handle) {
    try {
      return handle.describe();
    } catch (RuntimeException e) {
      if (notFound(e)) {
        return null;
      }
      throw e;
    }
  }

  private static void deleteIfPresent(ScheduleHandle handle) {
    try {
      handle.delete();
    } catch (RuntimeException e) {
      if (!notFound(e)) {
        throw e;
      }
    }
  }

  private static boolean notFound(RuntimeException e) {
    StatusRuntimeException s = PlainWords.status(e);
    return s != null && s.getStatus().getCode() == Status.Code.NOT_FOUND;
  }
}
