package io.pgrunbooks.workflows.backup;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Which backups retention keeps and which it would delete. Pure, so the workflow decides it on facts
 * the store returned. Rules: the newest {@code keepVerified} verified backups and every backup younger
 * than {@code keepDays} are kept; only verified backups count towards N, so an unverified backup never
 * pushes an older verified one out; a backup newer than the newest verified one is kept (it may still be
 * verified); the newest verified backup is never deleted; with no verified backup nothing is deleted.
 *
 * @param delete backups to delete, oldest first, each with why
 */
public record RetentionPlan(List<String> keep, List<Deletion> delete) {
  public record Deletion(String key, String why) {}

  public static RetentionPlan of(List<BackupEntry> backups, Instant now, int keepVerified, int keepDays) {
    List<BackupEntry> newestFirst = new ArrayList<>(backups);
    newestFirst.sort(Comparator.comparing(BackupEntry::createdAt).reversed());
    List<BackupEntry> verified = newestFirst.stream().filter(b -> b.complete() && b.verifiedOk()).toList();
    List<String> keep = new ArrayList<>();
    List<Deletion> delete = new ArrayList<>();
    if (verified.isEmpty()) {
      newestFirst.forEach(b -> keep.add(b.key()));
      return new RetentionPlan(keep, List.of());
    }
    Instant newestVerified = verified.get(0).createdAt();
    List<BackupEntry> keptVerified = verified.subList(0, Math.min(Math.max(1, keepVerified), verified.size()));
    Instant window = now.minus(Duration.ofDays(keepDays));
    for (BackupEntry b : newestFirst) {
      if (keptVerified.contains(b) || b.createdAt().isAfter(window) || b.createdAt().isAfter(newestVerified)) {
        keep.add(b.key());
      } else if (b.verifiedOk()) {
        delete.add(new Deletion(b.key(), "verified, but older than the newest " + keptVerified.size()
            + " verified backups and than " + keepDays + " days"));
      } else {
        delete.add(new Deletion(b.key(), (!b.complete() ? "unfinished (no manifest)"
            : b.verified() == null ? "never verified" : "failed verification")
            + ", older than " + keepDays + " days and than the newest verified backup"));
      }
    }
    delete.sort(Comparator.comparing(Deletion::key));
    return new RetentionPlan(keep, List.copyOf(delete));
  }

  public List<String> deleteKeys() {
    return delete.stream().map(Deletion::key).toList();
  }
}
