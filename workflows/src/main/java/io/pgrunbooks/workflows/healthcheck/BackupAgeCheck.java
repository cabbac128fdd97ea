package io.pgrunbooks.workflows.healthcheck;

import io.pgrunbooks.workflows.backup.VerifiedBackupAge;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Adds the newest verified backup's age to a verdict: older than allowed, or none verified, is unhealthy. */
final class BackupAgeCheck {
  static final String CHECK = "backup";

  private BackupAgeCheck() {}

  static HealthVerdict apply(HealthVerdict verdict, List<VerifiedBackupAge> ages, Instant now) {
    if (ages.isEmpty()) {
      return verdict;
    }
    List<Finding> cluster = new ArrayList<>(verdict.clusterFindings());
    HealthStatus status = verdict.status();
    List<String> bad = new ArrayList<>();
    for (VerifiedBackupAge a : ages) {
      if (a.maxAgeHours() <= 0) {
        continue;
      }
      if (a.newestBackupAt() != null || a.lastVerifiedAt() != null) {
        cluster.add(new Finding(HealthStatus.HEALTHY, CHECK, "database " + a.database() + ": newest backup "
            + hoursAgo(a.newestBackupAt(), now) + ", last successful verification " + hoursAgo(a.lastVerifiedAt(), now)));
      }
      if (a.newestVerifiedAt() == null) {
        cluster.add(new Finding(HealthStatus.UNHEALTHY, CHECK, "database " + a.database()
            + " has backups but none passed BackupVerification"));
        bad.add(a.database());
        continue;
      }
      long hours = Duration.between(a.newestVerifiedAt(), now).toHours();
      boolean tooOld = Duration.between(a.newestVerifiedAt(), now).compareTo(Duration.ofHours(a.maxAgeHours())) > 0;
      cluster.add(new Finding(tooOld ? HealthStatus.UNHEALTHY : HealthStatus.HEALTHY, CHECK, "newest verified backup of "
          + a.database() + " is " + hours + " h old (" + a.newestVerifiedKey() + "; allowed " + a.maxAgeHours() + " h)"));
      if (tooOld) {
        bad.add(a.database());
      }
    }
    if (!bad.isEmpty()) {
      status = HealthStatus.UNHEALTHY;
    }
    String summary = bad.isEmpty() ? verdict.summary()
        : verdict.summary() + "; no recent verified backup of " + String.join(", ", bad);
    return new HealthVerdict(status, verdict.primary(), cluster, verdict.nodes(), summary);
  }

  private static String hoursAgo(Instant at, Instant now) {
    return at == null ? "never" : Duration.between(at, now).toHours() + " h ago";
  }
}
