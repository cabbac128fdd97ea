package io.pgrunbooks.activities.patroni;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PatroniFenceGuardTest {

  @Test
  void aNodeWhosePatroniIsDeadAndWhichIsNotTheLeaderMayBeFenced() {
    assertThat(PatroniFenceGuard.refusal("pg1", "Connection refused", true, "pg2", List.of())).isNull();
  }

  @Test
  void aLivePatroniIsNeverBypassed() {
    assertThat(PatroniFenceGuard.refusal("pg1", null, true, "pg2", List.of()))
        .contains("Patroni on pg1 answers its REST API");
  }

  @Test
  void theLeaderIsNeverFenced() {
    assertThat(PatroniFenceGuard.refusal("pg1", "Connection refused", true, "pg1", List.of()))
        .contains("pg1 is Patroni's leader");
  }

  @Test
  void withoutAnotherMembersAnswerOrWithoutALeaderNothingIsFenced() {
    assertThat(PatroniFenceGuard.refusal("pg1", "Connection refused", false, null, List.of("pg2: timed out")))
        .contains("no other Patroni member answered GET /cluster (pg2: timed out)");
    assertThat(PatroniFenceGuard.refusal("pg1", "Connection refused", true, null, List.of()))
        .contains("Patroni names no leader");
  }
}
