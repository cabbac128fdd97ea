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
   * @param provenBy for each full in {@code expire} that a drill proved: the proof ({@code <label>: <drill>})
   */
  public record ExpirePlan(List<String> expire, List<String> dependents, int fullsLeft, List<String> needsApproval,
                           List<String> provenBy) {
    public ExpirePlan {
      provenBy = provenBy == null ? List.of() : List.copyOf(provenBy);
    }

    public boolean empty() {
      return expire.isEmpty();
    }
  }

  /**
   * Retention with the proofs restore drills left on the backups ({@link PgBackRestBackup#drillProof}). A full backup
   * counts as proven when a passed drill restored it or any backup of its chain (a restore of an incremental reads
   * the full and the backups it references). Deleting below {@code minFull} full backups, or deleting a full backup
   * no drill has proven, needs an approval.
   */
  public static ExpirePlan expirePlan(List<PgBackRestBackup> backups, int retentionFull, int minFull) {
    Map<String, String> proofs = new LinkedHashMap<>();
    backups.stream().filter(b -> b.drillProof() != null && !b.drillProof().isBlank())
        .forEach(b -> proofs.put(b.label(), b.drillProof()));
    return plan(backups, retentionFull, minFull, proofs);
  }

  /**
   * Retention with proofs given as labels ({@code drillProven}): what runs recorded before drills left proofs use
   * with an empty set, so that every expire asks for approval.
   */
  public static ExpirePlan expirePlan(List<PgBackRestBackup> backups, int retentionFull, int minFull,
                                      Set<String> drillProven) {
    Map<String, String> proofs = new LinkedHashMap<>();
    drillProven.forEach(l -> proofs.put(l, "a restore drill"));
    return plan(backups, retentionFull, minFull, proofs);
  }

  private static ExpirePlan plan(List<PgBackRestBackup> backups, int retentionFull, int minFull,
                                 Map<String, String> proofs) {
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
    List<String> provenBy = new ArrayList<>();
    List<String> unproven = new ArrayList<>();
    for (String full : expire) {
      String proof = proofOfChain(backups, full, proofs);
      if (proof == null) {
        unproven.add(full);
      } else {
        provenBy.add(proof);
      }
    }
    if (!expire.isEmpty()) {
      if (fullsLeft < minFull) {
        reasons.add(fullsLeft + " full backups would remain, fewer than the minimum " + minFull);
      }
      if (!unproven.isEmpty()) {
        reasons.add("no restore drill has proven " + String.join(", ", unproven)
            + " (nor any backup depending on " + (unproven.size() == 1 ? "it" : "them") + ")");
      }
    }
    return new ExpirePlan(List.copyOf(expire), dependents, fullsLeft, List.copyOf(reasons), provenBy);
  }

  /** {@code <label>: <proof>} of the full backup or of the newest proven backup of its chain; null when none. */
  private static String proofOfChain(List<PgBackRestBackup> backups, String full, Map<String, String> proofs) {
    String found = proofs.containsKey(full) ? full + ": " + proofs.get(full) : null;
    for (PgBackRestBackup b : backups) {
      if (b.references().contains(full) && proofs.containsKey(b.label())) {
        found = b.label() + ": " + proofs.get(b.label());
      }
    }
    return found;
  }
}
