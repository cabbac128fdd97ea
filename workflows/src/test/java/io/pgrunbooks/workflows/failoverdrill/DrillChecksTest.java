package io.pgrunbooks.workflows.failoverdrill;

import static io.pgrunbooks.workflows.failover.FailoverFakes.facts;
import static io.pgrunbooks.workflows.failover.FailoverFakes.primary;
import static io.pgrunbooks.workflows.failover.FailoverFakes.replica;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrunbooks.workflows.backup.VerifiedBackupAge;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DrillChecksTest {
  private static final Instant START = Instant.parse("2026-12-06T00:00:00Z");

  @Test
  void windowIsAnInstantADurationAfterTheStartOrTheConfigDelay() {
    assertThat(DrillChecks.windowStart("2026-12-06T03:00:00Z", 0, START)).isEqualTo(Instant.parse("2026-12-06T03:00:00Z"));
    assertThat(DrillChecks.windowStart("PT6H", 0, START)).isEqualTo(Instant.parse("2026-12-06T06:00:00Z"));
    assertThat(DrillChecks.windowStart(null, 3600, START)).isEqualTo(Instant.parse("2026-12-06T01:00:00Z"));
    assertThatThrownBy(() -> DrillChecks.windowStart("tomorrow", 0, START)).hasMessageContaining("neither an ISO-8601");
  }

  @Test
  void healthiestStreamingReplicaIsChosenAndALaggingOneRefused() {
    var f = facts(primary("pg1"), replica("pg2", 10, "catchup"), replica("pg3", 10, "streaming"));

    assertThat(DrillChecks.chooseReplica(f, null, 5)).isEqualTo("pg3");
    assertThatThrownBy(() -> DrillChecks.chooseReplica(f, "pg2", 5)).hasMessageContaining("pg2 is not a streaming replica");
  }

  @Test
  void requiredVerifiedBackupMustBeYoungerThanTheLimit() {
    List<VerifiedBackupAge> ages = List.of(new VerifiedBackupAge("app", "k", START.minusSeconds(7200), 26));

    assertThat(DrillChecks.requireVerifiedBackup(ages, 3 * 3600, START)).contains("newest verified backup");
    assertThatThrownBy(() -> DrillChecks.requireVerifiedBackup(ages, 3600, START)).hasMessageContaining("older than");
    assertThatThrownBy(() -> DrillChecks.requireVerifiedBackup(List.of(), 3600, START))
        .hasMessageContaining("no verified backup");
  }

  @Test
  void windowMoreThanSevenDaysAheadIsRefusedAndSevenDaysIsAccepted() {
    java.time.Instant start = java.time.Instant.parse("2026-12-01T00:00:00Z");
    DrillChecks.requireWindowWithinBound(start.plus(java.time.Duration.ofDays(7)), start, "P7D");

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> DrillChecks.requireWindowWithinBound(
            DrillChecks.windowStart("2027-01-01T03:00:00Z", 0, start), start, "2027-01-01T03:00:00Z"))
        .isInstanceOfSatisfying(io.temporal.failure.ApplicationFailure.class, e -> {
          org.assertj.core.api.Assertions.assertThat(e.isNonRetryable()).isTrue();
          org.assertj.core.api.Assertions.assertThat(e.getOriginalMessage()).contains("window '2027-01-01T03:00:00Z'",
              "more than 7 days", "nothing was touched");
        });
  }
}
