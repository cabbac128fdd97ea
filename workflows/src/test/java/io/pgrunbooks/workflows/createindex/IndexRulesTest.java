package io.pgrunbooks.workflows.createindex;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** CreateIndex's input checks, default name, headroom and lag, without I/O. */
class IndexRulesTest {
  private static CreateIndexInput columns(String... cols) {
    return new CreateIndexInput("main", "app", "public.orders", List.of(cols), null, null, null, null, null, false,
        null, null);
  }

  @Test
  void statementSeparatorsCommentsDollarQuotesAndUnbalancedTextAreRefused() {
    assertThat(IndexRules.inputProblem(columns("a; DROP TABLE x"))).contains("';'");
    assertThat(IndexRules.inputProblem(columns("a -- x"))).contains("comments");
    assertThat(IndexRules.inputProblem(columns("a /* x */"))).contains("comments");
    assertThat(IndexRules.inputProblem(columns("$$x$$"))).contains("dollar");
    assertThat(IndexRules.inputProblem(columns("lower(a"))).contains("unclosed");
    assertThat(IndexRules.inputProblem(columns("a) WITH (fillfactor=1"))).contains("did not open");
    assertThat(IndexRules.inputProblem(columns("'it''s'"))).isNull();
    assertThat(IndexRules.inputProblem(columns("lower(email)", "created_at DESC NULLS LAST"))).isNull();
    // A ';' inside a string literal is data, not a separator.
    assertThat(IndexRules.textProblem("where", "note <> ';'")).isNull();
  }

  @Test
  void nameMethodTableAndExactlyOneOfColumnsOrDefinitionAreChecked() {
    assertThat(IndexRules.inputProblem(new CreateIndexInput("main", "app", "orders", List.of("a"), null, null, null,
        null, null, false, null, null))).contains("schema.name");
    assertThat(IndexRules.inputProblem(new CreateIndexInput("main", "app", "public.orders", List.of("a"), null,
        "Bad Name", null, null, null, false, null, null))).contains("name must be");
    assertThat(IndexRules.inputProblem(new CreateIndexInput("main", "app", "public.orders", List.of("a"), null,
        null, null, "rtree", null, false, null, null))).contains("method must be one of");
    assertThat(IndexRules.inputProblem(new CreateIndexInput("main", "app", "public.orders", null, null,
        null, null, null, null, false, null, null))).contains("exactly one");
  }

  @Test
  void defaultNameJoinsPlainColumnsAndStaysWithin63() {
    assertThat(IndexRules.defaultName("public.orders", List.of("customer_id", "created_at DESC")))
        .isEqualTo("orders_customer_id_created_at_idx");
    assertThat(IndexRules.defaultName("public.orders", List.of("lower(email)"))).isEqualTo("orders_expr_idx");
    assertThat(IndexRules.defaultName("public." + "t".repeat(60), List.of("a"))).hasSize(63);
  }

  @Test
  void headroomNeedsTwiceTheEstimatePlusReserveAndLagHasALimit() {
    long est = 1024L * 1024 * 1024;
    assertThat(IndexRules.headroomProblem(est, 2 * est + IndexRules.RESERVE_BYTES)).isNull();
    assertThat(IndexRules.headroomProblem(est, 2 * est)).contains("not enough disk");
    assertThat(IndexRules.lagProblem(IndexRules.MAX_REPLICA_LAG_BYTES)).isNull();
    assertThat(IndexRules.lagProblem(IndexRules.MAX_REPLICA_LAG_BYTES + 1)).contains("behind");
  }
}
