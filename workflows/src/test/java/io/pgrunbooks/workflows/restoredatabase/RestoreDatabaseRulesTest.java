package io.pgrunbooks.workflows.restoredatabase;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.workflows.restoredatabase.RestoreDatabaseActivities.RestoreFacts;
import io.pgrunbooks.workflows.restoredatabase.RestoreDatabaseRules.SwapStep;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RestoreDatabaseRulesTest {
  private static final String M = "pg-runbooks RestoreDatabase restore-database:main:app_r run 1";

  private static RestoreFacts facts(boolean live, String liveComment, boolean target, String targetComment,
                                    boolean before) {
    return new RestoreFacts("pg1", live, target, before, false, liveComment, targetComment, 1, 1, 0, 0, null, 30);
  }

  @Test
  void inputNeedsThreePlainDistinctNames() {
    assertThat(RestoreDatabaseRules.inputProblem(null)).contains("needs a cluster, a database and a targetDatabase");
    assertThat(RestoreDatabaseRules.inputProblem(RestoreDatabaseInput.of("main", "app", "app")))
        .contains("targetDatabase must differ from database app");
    assertThat(RestoreDatabaseRules.inputProblem(RestoreDatabaseInput.of("main", "app", "x\"; DROP DATABASE app")))
        .contains("is not a plain lower-case name");
    assertThat(RestoreDatabaseRules.inputProblem(RestoreDatabaseInput.of("main", "app", "template1")))
        .contains("system database");
    assertThat(RestoreDatabaseRules.inputProblem(RestoreDatabaseInput.of("main", "a".repeat(40), "r").withSwap()))
        .contains("too long");
    assertThat(RestoreDatabaseRules.inputProblem(RestoreDatabaseInput.of("main", "app", "app_r"))).isNull();
  }

  @Test
  void theSwappedOutNameCarriesTheUtcStampAndFits() {
    String name = RestoreDatabaseRules.beforeName("a".repeat(RestoreDatabaseRules.MAX_SWAPPED_NAME),
        Instant.parse("2026-12-06T18:24:05Z"));
    assertThat(name).endsWith("_before_20261206t182405").hasSizeLessThanOrEqualTo(63);
  }

  @Test
  void onlyATargetWithThisRunsMarkerMayExist() {
    assertThat(RestoreDatabaseRules.targetProblem(facts(true, null, false, null, false), "app_r", M)).isNull();
    assertThat(RestoreDatabaseRules.targetProblem(facts(true, null, true, M, false), "app_r", M)).isNull();
    assertThat(RestoreDatabaseRules.targetProblem(facts(true, null, true, null, false), "app_r", M))
        .contains("was not created by this run").contains("never dropped");
  }

  @Test
  void theSwapContinuesFromWhicheverNamesExist() {
    assertThat(RestoreDatabaseRules.nextSwapStep(facts(true, null, true, M, false), M)).isEqualTo(SwapStep.RENAME_LIVE_AWAY);
    assertThat(RestoreDatabaseRules.nextSwapStep(facts(false, null, true, M, true), M))
        .isEqualTo(SwapStep.RENAME_RESTORED_INTO_PLACE);
    assertThat(RestoreDatabaseRules.nextSwapStep(facts(true, M, false, null, true), M)).isEqualTo(SwapStep.DONE);
    // Someone else's database in place, or the restored one gone: nothing more is renamed.
    assertThat(RestoreDatabaseRules.nextSwapStep(facts(true, null, false, null, true), M)).isNull();
    assertThat(RestoreDatabaseRules.nextSwapStep(facts(true, null, true, "other", false), M)).isNull();
  }
}
