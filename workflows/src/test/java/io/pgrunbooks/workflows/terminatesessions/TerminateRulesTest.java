package io.pgrunbooks.workflows.terminatesessions;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TerminateRulesTest {
  @Test
  void durationsInShortAndIsoForm() {
    assertThat(TerminateRules.parse("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(TerminateRules.parse("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(TerminateRules.parse("2h")).isEqualTo(Duration.ofHours(2));
    assertThat(TerminateRules.parse("PT10M")).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void everyProblemIsNamedAtOnce() {
    var in = new TerminateSessionsInput("main", " ", "soon", "-PT1M", null, "", null, null, 0, null, false, null, null);

    assertThat(TerminateRules.problems(in)).containsExactly("database must not be blank",
        "idleInTransactionLongerThan is not a duration (30s, 5m, 2h, 1d or PT5M): 'soon'",
        "blockingLongerThan must not be negative, got '-PT1M'", "user must not be blank",
        "maxSessions must be between 1 and 1000, got 0");
  }

  @Test
  void missingClusterAndMissingCriteria() {
    assertThat(TerminateRules.problems(new TerminateSessionsInput(null, null, null, null, null, null, null, null, null,
        null, false, null, null))).containsExactly("cluster is required");
    assertThat(TerminateRules.problems(new TerminateSessionsInput("main", "app", null, null, null, null, null, null,
        null, null, false, null, null))).singleElement().asString().startsWith("give at least one criterion");
  }

  @Test
  void criteriaReadOneMoreThanTheLimitSoTooManyIsSeen() {
    var c = TerminateRules.criteria(new TerminateSessionsInput(" main ", "app", null, "1m", "2h", "app_rw", null, null,
        5, null, false, null, null));

    assertThat(c.cluster()).isEqualTo("main");
    assertThat(c.blockingSeconds()).isEqualTo(60);
    assertThat(c.runningSeconds()).isEqualTo(7200);
    assertThat(c.idleInTransactionSeconds()).isNull();
    assertThat(c.limit()).isEqualTo(6);
  }

  @Test
  void scopeIsOneCanonicalLineForPreApprovals() {
    assertThat(TerminateRules.scope(new TerminateSessionsInput("main", "app", "PT10M", null, null, "app_rw", null,
        "UPDATE %", null, null, false, null, null)))
        .isEqualTo("idleInTransactionLongerThan=600s user=app_rw queryLike=UPDATE % maxSessions=10");
  }
}
