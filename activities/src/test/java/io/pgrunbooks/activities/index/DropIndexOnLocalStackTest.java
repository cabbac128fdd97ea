package io.pgrunbooks.activities.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrunbooks.activities.TestStack;
import io.pgrunbooks.activities.postgres.ConnectionFactory;
import io.pgrunbooks.activities.postgres.PostgresIndexMaintenanceActivitiesImpl;
import io.pgrunbooks.ops.stack.PostgresCluster;
import io.pgrunbooks.ops.stack.PostgresNode;
import io.pgrunbooks.workflows.activities.IndexMaintenanceActivities.IndexFacts;
import io.pgrunbooks.workflows.activities.IndexMaintenanceActivities.IndexRef;
import io.pgrunbooks.workflows.dropindex.DropIndexRules;
import io.temporal.failure.ApplicationFailure;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** DropIndex's activities on the local stack's primary and replica. */
class DropIndexOnLocalStackTest {
  private static final String DB = "drop_index_test";
  private static PostgresIndexMaintenanceActivitiesImpl activities;
  private static PostgresCluster pg;
  private static PostgresNode primary;

  @BeforeAll
  static void setUp() throws SQLException {
    pg = TestStack.stack().postgres();
    primary = pg.currentPrimary();
    try (Connection c = primary.connect("postgres"); Statement st = c.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + DB + " WITH (FORCE)");
      st.execute("CREATE DATABASE " + DB);
    }
    try (Connection c = primary.connect(DB); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE public.items (id bigint PRIMARY KEY, sku text UNIQUE, note text, used int)");
      st.execute("INSERT INTO public.items SELECT g, 'sku' || g, md5(g::text), g % 100 FROM generate_series(1, 5000) g");
      st.execute("CREATE INDEX items_note_idx ON public.items (note)");
      st.execute("CREATE INDEX items_used_idx ON public.items (used)");
      st.execute("ANALYZE public.items");
    }
    // The replicas must have the database and its indexes before their statistics can be read.
    PostgresNode replica = pg.replicas().get(0);
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      try (Connection c = replica.connect(DB); Statement st = c.createStatement();
           ResultSet rs = st.executeQuery("SELECT to_regclass('public.items_used_idx') IS NOT NULL")) {
        if (rs.next() && rs.getBoolean(1)) {
          break;
        }
      } catch (SQLException notYet) {
        // database not replayed yet
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("replica " + replica.name() + " never replayed " + DB);
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    var config = TestStack.config(300);
    activities = new PostgresIndexMaintenanceActivitiesImpl(config,
        new ConnectionFactory(config, TestStack::env, Duration.ofSeconds(5), Duration.ofSeconds(60)));
  }

  private static IndexRef ref(String index) {
    return new IndexRef(TestStack.CLUSTER, DB, index);
  }

  @Test
  void thePrimaryKeyAndUniqueConstraintIndexesCannotBeDropped() throws SQLException {
    IndexFacts pk = activities.inspectIndex(ref("public.items_pkey"));
    assertThat(pk.constraint()).isEqualTo("items_pkey (primary key)");
    assertThat(DropIndexRules.refusal(pk)).contains("enforces constraint items_pkey (primary key)");
    assertThat(DropIndexRules.refusal(activities.inspectIndex(ref("public.items_sku_key")))).contains("(unique)");
    // Even called directly, the drop re-checks and refuses.
    assertThatThrownBy(() -> activities.dropIndex(ref("public.items_pkey")))
        .isInstanceOfSatisfying(ApplicationFailure.class, f -> assertThat(f.getType()).isEqualTo("BadInput"));
    assertThat(exists("items_pkey")).isTrue();
  }

  @Test
  void unknownOrMalformedIndexIsBadInput() {
    for (String bad : new String[] {"public.nosuch_idx", "items_note_idx", "public.x; DROP TABLE public.items"}) {
      assertThatThrownBy(() -> activities.inspectIndex(ref(bad))).as(bad)
          .isInstanceOfSatisfying(ApplicationFailure.class, f -> assertThat(f.getType()).isEqualTo("BadInput"));
    }
  }

  @Test
  void anIndexUsedOnlyByReplicaQueriesIsRefused() throws Exception {
    PostgresNode replica = pg.replicas().get(0);
    pg.awaitStreaming(replica.name(), Duration.ofSeconds(30));
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    IndexFacts facts;
    do {
      try (Connection c = replica.connect(DB); Statement st = c.createStatement()) {
        st.execute("SET enable_seqscan = off");
        st.executeQuery("SELECT count(*) FROM public.items WHERE used = 7").close();
      } catch (SQLException notReplicatedYet) {
        // the database or index is not on the replica yet
      }
      Thread.sleep(500);
      facts = activities.inspectIndex(ref("public.items_used_idx"));
    } while (facts.scans().stream().noneMatch(s -> s.replica() && s.scans() > 0) && System.nanoTime() < deadline);
    assertThat(facts.scans()).anySatisfy(s -> {
      assertThat(s.replica()).isFalse();
      assertThat(s.scans()).isZero();
    });
    assertThat(DropIndexRules.refusal(facts)).contains("is used by queries on replica " + replica.name());
  }

  @Test
  void anUnusedIndexIsDroppedConcurrentlyAndADropRetriedAfterwardsIsSuccess() throws SQLException {
    IndexFacts facts = activities.inspectIndex(ref("public.items_note_idx"));
    assertThat(facts.definition()).isEqualTo("CREATE INDEX items_note_idx ON public.items USING btree (note)");
    assertThat(facts.bytes()).isPositive();
    assertThat(facts.scans()).hasSize(pg.nodes().size());
    assertThat(DropIndexRules.refusal(facts)).isNull();
    assertThat(activities.dropIndex(ref("public.items_note_idx")).alreadyGone()).isFalse();
    assertThat(exists("items_note_idx")).isFalse();
    assertThat(activities.dropIndex(ref("public.items_note_idx")).alreadyGone()).isTrue();
  }

  private static boolean exists(String index) throws SQLException {
    try (Connection c = primary.connect(DB); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT to_regclass('public." + index + "') IS NOT NULL")) {
      rs.next();
      return rs.getBoolean(1);
    }
  }
}
