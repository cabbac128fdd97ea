package io.pgrunbooks.workflows.physicalbackup;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The decisions of {@code PhysicalBackup}, pure, on facts {@code pgbackrest info} returned. */
public final class PhysicalBackupRules {
  public static final List<String> TYPES = List.of("full", "diff", "incr");

  private PhysicalBackupRules() {}

  /** The requested type normalised, or null when it is not one of {@link #TYPES} (null/blank means the default). */
  public static String requestedType(String type) {
    if (type == null || type.isBlank()) {
      return "incr";
    }
    String t = type.strip().toLowerCase(Locale.ROOT);
    return TYPES.contains(t) ? t : null;
  }

  /** The type to take: the requested one, but full when the repository holds no full backup to build on. */
  public static String typeToTake(String requested, List<PgBackRestBackup> existing) {
    boolean anyFull = existing.stream().anyMatch(PgBackRestBackup::full);
    return anyFull ? requested : "full";
  }

  /**
   * The replica to back up from with {@code --backup-standby}: the streaming one with the least replay lag (pgBackRest
   * waits for the standby to replay up to the backup's start, so less lag is a shorter wait); null when none streams.
   */
  public static StandbyCandidate standby(List<StandbyCandidate> replicas) {
    return replicas.stream().filter(StandbyCandidate::streaming)
        .min(Comparator.comparingLong(StandbyCandidate::lagBytes).thenComparing(StandbyCandidate::node)).orElse(null);
  }

  /**
   * What retention would expire: the full backups older than the newest {@code retentionFull}, each with the
   * backups that depend on it, and why an approval is needed ({@code needsApproval} empty = none).
   *
   * @param expire full backup labels to pass to {@code expire --set}, oldest first
   * @param dependents every label that goes with them (the fulls included)
   * @param needsApproval reasons an approval is required; empty when the expire may run unattended
   */
  public record ExpirePlan(List<String> expire, List<String> dependents, int fullsLeft, List<String> needsApproval) {
    public boolean empty() {
      return expire.isEmpty();
    }
  }

  /**
   * Retention of {@code retentionFull} full backups. Deleting below {@code minFull} full backups, or deleting a
   * backup that no restore drill has proven restorable ({@code drillProven} labels), needs an approval.
   */
  public static ExpirePlan expirePlan(List<PgBackRestBackup> backups, int retentionFull, int minFull,
                                      Set<String> drillProven) {
    List<PgBackRestBackup> fulls = new ArrayList<>(backups.stream().filter(PgBackRestBackup::full).toList());
    fulls.sort(Comparator.comparingLong(PgBackRestBackup::startEpoch).reversed());
    List<String> expire = new ArrayList<>();
    for (int i = Math.max(1, retentionFull); i < fulls.size(); i++) {
      expire.add(0, fulls.get(i).label());
    }
    Map<String, Boolean> goes = new LinkedHashMap<>();
    for (PgBackRestBackup b : backups) {
      if (expire.contains(b.label()) || b.references().stream().anyMatch(expire::contains)) {
        goes.put(b.label(), true);
      }
    }
    List<String> dependents = List.copyOf(goes.keySet());
    int fullsLeft = fulls.size() - expire.size();
    List<String> reasons = new ArrayList<>();
    if (!expire.isEmpty()) {
      if (fullsLeft < minFull) {
        reasons.add(fullsLeft + " full backups would remain, fewer than the minimum " + minFull);
      }
      List<String> unproven = dependents.stream().filter(l -> !drillProven.contains(l)).toList();
      if (!unproven.isEmpty()) {
        reasons.add("no restore drill has proven " + String.join(", ", unproven));
      }
    }
    return new ExpirePlan(List.copyOf(expire), dependents, fullsLeft, List.copyOf(reasons));
  }
}
