package io.pgrunbooks.workflows.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetentionPlanTest {
  static final Instant NOW = Instant.parse("2026-11-22T00:00:00Z");

  static BackupEntry b(String day, Boolean verified) {
    return new BackupEntry("r/" + day + "/", Instant.parse(day + "T00:00:00Z"), true, verified, null, 1);
  }

  @Test
  void keepsTheNewestVerifiedAndEverythingInsideTheWindow() {
    RetentionPlan p = RetentionPlan.of(List.of(b("2026-11-01", true), b("2026-11-10", true), b("2026-11-20", true),
        b("2026-11-21", null)), NOW, 1, 5);
    assertThat(p.deleteKeys()).containsExactly("r/2026-11-01/", "r/2026-11-10/");
    assertThat(p.keep()).containsExactly("r/2026-11-21/", "r/2026-11-20/");
  }

  @Test
  void unverifiedBackupsNeverPushOutAnOlderVerifiedOne() {
    RetentionPlan p = RetentionPlan.of(List.of(b("2026-10-01", true), b("2026-11-01", null), b("2026-11-02", false),
        b("2026-11-03", null)), NOW, 1, 0);
    assertThat(p.keep()).contains("r/2026-10-01/", "r/2026-11-01/", "r/2026-11-02/", "r/2026-11-03/");
    assertThat(p.delete()).isEmpty();
  }

  @Test
  void withoutAnyVerifiedBackupNothingIsDeleted() {
    RetentionPlan p = RetentionPlan.of(List.of(b("2020-01-01", null), b("2020-01-02", false)), NOW, 1, 0);
    assertThat(p.delete()).isEmpty();
  }

  @Test
  void oldUnverifiedAndFailedBackupsBehindTheNewestVerifiedAreDeletedWithTheReason() {
    RetentionPlan p = RetentionPlan.of(List.of(b("2026-01-01", false), b("2026-01-02", null), b("2026-01-03", true)),
        NOW, 3, 1);
    assertThat(p.delete()).extracting(RetentionPlan.Deletion::why).containsExactly(
        "failed verification, older than 1 days and than the newest verified backup",
        "never verified, older than 1 days and than the newest verified backup");
    assertThat(p.keep()).containsExactly("r/2026-01-03/");
  }

  @Test
  void keepVerifiedBelowOneStillKeepsTheLastVerifiedBackup() {
    RetentionPlan p = RetentionPlan.of(List.of(b("2026-01-03", true)), NOW, 0, 0);
    assertThat(p.delete()).isEmpty();
  }
}
