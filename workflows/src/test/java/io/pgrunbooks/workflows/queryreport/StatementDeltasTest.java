package io.pgrunbooks.workflows.queryreport;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.workflows.activities.QueryReportActivities.StatementDelta;
import io.pgrunbooks.workflows.queryreport.StatementDeltas.Counter;
import io.pgrunbooks.workflows.queryreport.StatementDeltas.Snapshot;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatementDeltasTest {
  private static Counter counter(String id, long calls, double ms, long rows) {
    return new Counter("10:5:" + id + ":true", id, "app", "SELECT " + id, calls, ms, rows);
  }

  private static final Snapshot THEN = StatementDeltas.snapshot("run-1", "2026-12-06 06:00:00+00", "2026-12-01",
      "pg1", List.of(counter("1", 100, 1000, 100), counter("2", 50, 500, 0), counter("3", 10, 10, 10)));

  @Test
  void deltasAreNowMinusThenAndStatementsWithoutCallsAreLeftOut() {
    List<StatementDelta> d = StatementDeltas.deltas(List.of(counter("1", 130, 1600, 130), counter("2", 50, 500, 0),
        counter("4", 2, 40, 2)), THEN, true);
    assertThat(d).extracting(StatementDelta::queryId).containsExactly("1", "4");
    assertThat(d.get(0).calls()).isEqualTo(30);
    assertThat(d.get(0).totalMs()).isEqualTo(600);
    assertThat(d.get(0).meanMs()).isEqualTo(20);
    assertThat(d.get(1).calls()).isEqualTo(2);
  }

  @Test
  void anEvictedAndReenteredStatementCountsItsTotalsNotANegativeDelta() {
    List<StatementDelta> d = StatementDeltas.deltas(List.of(counter("3", 4, 8, 4)), THEN, true);
    assertThat(d.get(0).calls()).isEqualTo(4);
    assertThat(d.get(0).totalMs()).isEqualTo(8);
  }

  @Test
  void aResetOrAnotherNodeMeansTotalsAndAFirstRunHasNoBaseline() {
    assertThat(StatementDeltas.resetSince(THEN, "2026-12-01", "pg1")).isFalse();
    assertThat(StatementDeltas.resetSince(THEN, "2026-12-06 06:30:00+00", "pg1")).isTrue();
    assertThat(StatementDeltas.resetSince(THEN, "2026-12-01", "pg2")).isTrue();
    assertThat(StatementDeltas.resetSince(null, "2026-12-01", "pg1")).isFalse();
    assertThat(StatementDeltas.deltas(List.of(counter("1", 130, 1600, 130)), THEN, false).get(0).calls()).isEqualTo(130);
  }

  @Test
  void worstTakesTheTopByTotalTimeThenByMeanTimeWithoutRepeats() {
    List<StatementDelta> all = StatementDeltas.deltas(List.of(counter("a", 1000, 5000, 0), counter("b", 10, 4000, 0),
        counter("c", 1, 3000, 0), counter("d", 100, 100, 0)), null, false);
    List<StatementDelta> byTotal = StatementDeltas.top(all, StatementDelta::totalMs, 3);
    List<StatementDelta> byMean = StatementDeltas.top(all, StatementDelta::meanMs, 3);
    assertThat(byTotal).extracting(StatementDelta::queryId).containsExactly("a", "b", "c");
    assertThat(byMean).extracting(StatementDelta::queryId).containsExactly("c", "b", "a");
    assertThat(StatementDeltas.worst(byTotal, byMean, 3)).extracting(StatementDelta::queryId)
        .containsExactly("a", "b", "c");
  }

  @Test
  void inputChecksRefuseMissingTargetsOddNamesAndNonsenseTop() {
    assertThat(QueryReportRules.inputProblem(QueryReportInput.of("main", "app"))).isNull();
    assertThat(QueryReportRules.inputProblem(QueryReportInput.of("main", " "))).contains("needs cluster and database");
    assertThat(QueryReportRules.inputProblem(new QueryReportInput("main", "app", 101, null, false, null, null)))
        .contains("top must be between 1 and 100");
    assertThat(QueryReportRules.inputProblem(new QueryReportInput("main", "app", 5, "pg1'--", false, null, null)))
        .contains("node must be a plain name");
  }

  @Test
  void onlyQueriesAndDmlArePlannedNeverUtilityStatements() {
    assertThat(QueryReportRules.plannable("  select * from t where a = $1")).isTrue();
    assertThat(QueryReportRules.plannable("WITH x AS (SELECT 1) SELECT * FROM x")).isTrue();
    assertThat(QueryReportRules.plannable("UPDATE t SET a = $1")).isTrue();
    assertThat(QueryReportRules.plannable("VACUUM ANALYZE public.t")).isFalse();
    assertThat(QueryReportRules.plannable("CREATE INDEX ON t (a)")).isFalse();
    assertThat(QueryReportRules.plannable("SET application_name = 'x'")).isFalse();
    assertThat(QueryReportRules.plannable("selectivity")).isFalse();
  }
}
