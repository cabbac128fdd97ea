package io.pgrunbooks.activities.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrunbooks.activities.TestStack;
import io.pgrunbooks.activities.postgres.ConnectionFactory;
import io.pgrunbooks.activities.postgres.PostgresIndexMaintenanceActivitiesImpl;
import io.pgrunbooks.ops.stack.PostgresNode;
import io.pgrunbooks.workflows.activities.IndexMaintenanceActivities.IndexSize;
import io.pgrunbooks.workflows.activities.IndexMaintenanceActivities.ReindexFacts;
import io.pgrunbooks.workflows.activities.IndexMaintenanceActivities.ReindexTarget;
import io.pgrunbooks.workflows.reindex.ReindexRules;
import io.temporal.failure.ApplicationFailure;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Reindex's activities on the local stack's primary: bloat found by HypoPG, leftovers dropped, sizes before/after. */
class ReindexOnLocalStackTest {
  private static final String DB = "reindex_test";
  private static PostgresIndexMaintenanceActivitiesImpl activities;
  private static PostgresNode primary;

  @BeforeAll
  static void setUp() throws SQLException {
    primary = TestStack.stack().postgres().currentPrimary();
    try (Connection c = primary.connect("postgres"); Statement st = c.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + DB + " WITH (FORCE)");
      st.execute("CREATE DATABASE " + DB);
    }
    try (Connection c = primary.connect(DB); Statement st = c.createStatement()) {
      st.execute("CREATE EXTENSION hypopg");
      st.execute("CREATE TABLE public.events (id bigint PRIMARY KEY, kind int, note text)");
      st.execute("INSERT INTO public.events SELECT g, g % 10, md5(g::text) FROM generate_series(1, 100000) g");
      st.execute("CREATE INDEX events_note_idx ON public.events (note)");
      // 90% of the rows go; the index keeps its pages: bloated against a fresh copy.
      st.execute("DELETE FROM public.events WHERE id % 10 <> 0");
      st.execute("VACUUM ANALYZE public.events");
    }
    var config = TestStack.config(300);
    activities = new PostgresIndexMaintenanceActivitiesImpl(config,
        new ConnectionFactory(config, TestStack::env, Duration.ofSeconds(5), Duration.ofSeconds(60)));
  }

  private static ReindexTarget index(String name) {
    return new ReindexTarget(TestStack.CLUSTER, DB, name, null);
  }

  @Test
  void aBloatedIndexAndAnInterruptedReindexLeftoverAreFoundThenRebuiltSmallerAndCleanedUp() throws SQLException {
    try (Connection c = primary.connect(DB); Statement st = c.createStatement()) {
      // What an interrupted REINDEX CONCURRENTLY leaves: an INVALID index named ..._ccnew.
      st.execute("INSERT INTO public.events VALUES (1000001, 1, 'dup'), (1000002, 1, 'dup')");
      assertThatThrownBy(() -> st.execute("CREATE UNIQUE INDEX CONCURRENTLY events_note_idx_ccnew ON public.events (note)"))
          .isInstanceOf(SQLException.class);
    }
    ReindexFacts facts = activities.inspectReindex(index("public.events_note_idx"));
    assertThat(facts.leftovers()).containsExactly("public.events_note_idx_ccnew");
    IndexSize before = facts.indexes().get(0);
    assertThat(before.index()).isEqualTo("public.events_note_idx");
    assertThat(before.freshBytes()).isPositive();
    assertThat(ReindexRules.reason(before)).startsWith("bloated");

    List<IndexSize> after = activities.reindex(index("public.events_note_idx"));
    System.out.println("events_note_idx: " + before.bytes() + " bytes before (fresh estimate " + before.freshBytes()
        + "), " + after.get(0).bytes() + " after REINDEX CONCURRENTLY");
    assertThat(after.get(0).bytes()).isLessThan(before.bytes() / 2);
    assertThat(after.get(0).valid()).isTrue();
    ReindexFacts again = activities.inspectReindex(index("public.events_note_idx"));
    assertThat(again.leftovers()).isEmpty();
    assertThat(ReindexRules.nothingToDo(again.indexes(), false)).contains("nothing to rebuild");
  }

  @Test
  void unknownIndexOrTableIsBadInput() {
    for (ReindexTarget bad : List.of(index("public.nosuch_idx"), index("public.x; DROP TABLE public.events"),
        new ReindexTarget(TestStack.CLUSTER, DB, null, "public.nosuch"))) {
      assertThatThrownBy(() -> activities.inspectReindex(bad)).as(bad.toString())
          .isInstanceOfSatisfying(ApplicationFailure.class, f -> assertThat(f.getType()).isEqualTo("BadInput"));
    }
  }
}
