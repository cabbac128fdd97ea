package io.pgrunbooks.workflows.restoredrill;

import io.pgrunbooks.workflows.activities.Notification;
import io.pgrunbooks.workflows.physicalbackup.PgBackRestBackup;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/** The decisions of {@code RestoreDrill}, pure: input, which backup, scratch name, verdicts and findings. */
public final class RestoreDrillRules {
  private static final DateTimeFormatter TARGET =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSx", Locale.ROOT).withZone(ZoneOffset.UTC);

  private RestoreDrillRules() {}

  /**
   * The requested target in microseconds since the epoch, 0 for none (blank: the drill picks it).
   *
   * @throws IllegalArgumentException for text that is no ISO-8601 time with an offset
   */
  public static long parseTarget(String text) {
    if (text == null || text.isBlank()) {
      return 0;
    }
    try {
      Instant at = OffsetDateTime.parse(text.strip().replace(' ', 'T')).toInstant();
      return TimeUnit.SECONDS.toMicros(at.getEpochSecond()) + at.getNano() / 1000;
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("targetTime '" + text + "' is not an ISO-8601 time with an offset, e.g. "
          + "2026-12-06T14:02:00Z or 2026-12-06T15:02:00+01:00");
    }
  }

  /** {@code micros} as pgBackRest's {@code --target} and PostgreSQL's {@code recovery_target_time} read it. */
  public static String targetText(long micros) {
    Instant at = Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000);
    return TARGET.format(at);
  }

  /**
   * The backup to restore: the newest one that ended (became consistent) at or before the target; the newest of all
   * when the drill picks the target (it will be now).
   *
   * @throws IllegalArgumentException when there is no backup, or the target is before the oldest one ended
   */
  public static PgBackRestBackup chooseBackup(List<PgBackRestBackup> backups, long targetMicros, String cluster) {
    if (backups.isEmpty()) {
      throw new IllegalArgumentException("cluster " + cluster + " has no physical backup to restore: run "
          + "PhysicalBackup first");
    }
    List<PgBackRestBackup> byStop = backups.stream().sorted(Comparator.comparingLong(PgBackRestBackup::stopEpoch))
        .toList();
    if (targetMicros == 0) {
      return byStop.get(byStop.size() - 1);
    }
    PgBackRestBackup chosen = null;
    for (PgBackRestBackup b : byStop) {
      if (TimeUnit.SECONDS.toMicros(b.stopEpoch()) <= targetMicros) {
        chosen = b;
      }
    }
    if (chosen == null) {
      PgBackRestBackup oldest = byStop.get(0);
      throw new IllegalArgumentException("targetTime " + targetText(targetMicros) + " is before the oldest backup "
          + oldest.label() + " of cluster " + cluster + " ended (" + targetText(TimeUnit.SECONDS.toMicros(
          oldest.stopEpoch())) + "); no backup can be restored to it");
    }
    return chosen;
  }

  /**
   * The scratch instance's name from the workflow id: lower-case letters, digits and dashes, with a hash of the id so
   * that two ids that read alike never share a directory. A retry or cleanup after a crash finds the same name.
   */
  public static String scratchName(String workflowId) {
    String plain = workflowId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
    if (plain.length() > 48) {
      plain = plain.substring(0, 48);
    }
    return "drill-" + plain + "-" + String.format("%08x", workflowId.hashCode());
  }

  /** Tables whose write counters did not move between the snapshot before the target and now, sorted. */
  public static List<String> unwrittenTables(Map<String, Long> atTarget, Map<String, Long> now) {
    return atTarget.entrySet().stream().filter(e -> Objects.equals(e.getValue(), now.get(e.getKey())))
        .map(Map.Entry::getKey).sorted().toList();
  }

  /** Every verdict on the restored instance. */
  public static List<DrillCheck> checks(SentinelFacts s, DrillInstance instance, DrillFacts f) {
    List<DrillCheck> out = new ArrayList<>();
    out.add(new DrillCheck("recovery target reached", !f.inRecovery() && instance.recoveryStop() != null,
        (f.inRecovery() ? "still in recovery" : "recovery ended, promoted to timeline " + f.timeline())
            + (instance.recoveryStop() == null ? "; the log names no recovery stop point"
            : "; " + instance.recoveryStop())));
    if (s.beforeId() != 0) {
      out.add(new DrillCheck("sentinel before the target present", f.beforePresent(),
          "sentinel " + s.beforeId() + (f.beforePresent() ? " is there" : " is missing: the restore lost data written "
              + "before the target")));
    }
    out.add(new DrillCheck("sentinel after the target absent", !f.afterPresent(),
        "sentinel " + s.afterId() + (f.afterPresent() ? " is there: recovery went past the target"
            : " is not there")));
    if (s.earlierIds() > 0) {
      out.add(new DrillCheck("earlier sentinels present", f.earlierPresent() >= s.earlierIds(),
          f.earlierPresent() + " of " + s.earlierIds() + " sentinels written before the target"));
    }
    List<TableCheck> wrong = f.tables().stream().filter(t -> !t.matches()).toList();
    out.add(new DrillCheck("row counts", wrong.isEmpty(), f.tables().size() + " tables unwritten since the target "
        + "compared, " + f.writtenTables() + " written since left out" + (wrong.isEmpty() ? ""
        : "; different: " + String.join(", ", wrong.stream().map(t -> t.table() + " primary " + t.primaryRows()
        + " restored " + t.restoredRows()).toList()))));
    out.add(new DrillCheck("amcheck", f.amcheckErrors().isEmpty(), f.indexesChecked() + " B-tree indexes checked"
        + (f.amcheckErrors().isEmpty() ? ", no corruption" : ": " + String.join("; ", f.amcheckErrors()))));
    return out;
  }

  /** The objectives as checks: RTO and RPO each within its objective (none when the objective is 0). */
  public static List<DrillCheck> objectives(double rtoSeconds, long rpoSeconds, DrillTarget t) {
    List<DrillCheck> out = new ArrayList<>();
    if (t.rtoObjectiveSeconds() > 0) {
      out.add(new DrillCheck("RTO objective", rtoSeconds >= 0 && rtoSeconds <= t.rtoObjectiveSeconds(),
          String.format(Locale.ROOT, "RTO %.1f s, objective %d s", rtoSeconds, t.rtoObjectiveSeconds())));
    }
    if (t.rpoObjectiveSeconds() > 0) {
      out.add(new DrillCheck("RPO objective", rpoSeconds >= 0 && rpoSeconds <= t.rpoObjectiveSeconds(),
          rpoSeconds < 0 ? "no WAL segment was ever archived, objective " + t.rpoObjectiveSeconds() + " s"
              : "RPO " + rpoSeconds + " s, objective " + t.rpoObjectiveSeconds() + " s"));
    }
    return out;
  }

  /**
   * The severity of a finished drill: null when every check passed; {@code critical} when the restore itself failed
   * (a check on the restored data); {@code warning} when only objectives were missed.
   */
  public static String severity(List<DrillCheck> checks) {
    List<DrillCheck> failed = checks.stream().filter(c -> !c.ok()).toList();
    if (failed.isEmpty()) {
      return null;
    }
    boolean onlyObjectives = failed.stream().allMatch(c -> c.name().endsWith("objective"));
    return onlyObjectives ? Notification.WARNING : Notification.CRITICAL;
  }
}
