package io.pgrunbooks.activities.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.activities.TestStack;
import io.pgrunbooks.activities.postgres.ConnectionFactory;
import io.pgrunbooks.activities.postgres.PostgresIntegrityActivitiesImpl;
import io.pgrunbooks.ops.stack.PostgresNode;
import io.pgrunbooks.workflows.activities.IntegrityActivities.IntegrityFindings;
import io.pgrunbooks.workflows.activities.IntegrityActivities.IntegrityPlan;
import io.pgrunbooks.workflows.activities.IntegrityActivities.IntegrityTarget;
import io.pgrunbooks.workflows.activities.IntegrityActivities.NodeChecksums;
import io.temporal.failure.ApplicationFailure;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** IntegrityCheck's activities on the shared stack (never corrupted): amcheck on the hot standby, counters everywhere. */
class IntegrityCheckOnLocalStackTest {
  private static final String DB = "integrity_test";
  private static PostgresIntegrityActivitiesImpl activities;

  @BeforeAll
  static void setUp() throws SQLException {
    PostgresNode primary = TestStack.stack().postgres().currentPrimary();
    try (Connection c = primary.connect("postgres"); Statement st = c.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + DB + " WITH (FORCE)");
      st.execute("CREATE DATABASE " + DB);
    }
    try (Connection c = primary.connect(DB); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE public.accounts (id bigint PRIMARY KEY, email text UNIQUE, big text)");
      // Long values go to TOAST: verify_heapam checks it too.
      st.execute("INSERT INTO public.accounts SELECT g, 'u' || g || '@example.com', repeat(md5(g::text), 200)"
          + " FROM generate_series(1, 5000) g");
    }
    var config = TestStack.config(300);
    activities = new PostgresIntegrityActivitiesImpl(config,
        new ConnectionFactory(config, TestStack::env, Duration.ofSeconds(5), Duration.ofSeconds(60)));
  }

  @Test
  void amcheckRunsOnTheReplicaWithHeapallindexedAndFindsNothingOnAHealthyDatabase() throws Exception {
    IntegrityTarget target = new IntegrityTarget(TestStack.CLUSTER, DB, null, List.of(), true, false);
    IntegrityPlan plan = activities.planIntegrity(target);
    assertThat(plan.replica()).isTrue();
    assertThat(plan.node()).isNotEqualTo(plan.primaryNode());
    assertThat(plan.createdExtension()).isTrue();
    assertThat(plan.tables()).containsExactly("public.accounts");
    IntegrityFindings found = null;
    // The extension reaches the replica by replication: the activity's failure until then is retryable.
    for (int i = 0; i < 50 && found == null; i++) {
      try {
        found = activities.checkRelations(target, plan);
      } catch (ApplicationFailure notYetReplayed) {
        assertThat(notYetReplayed.isNonRetryable()).isFalse();
        Thread.sleep(200);
      }
    }
    assertThat(found).isNotNull();
    assertThat(found.node()).isEqualTo(plan.node());
    assertThat(found.tablesChecked()).isEqualTo(1);
    assertThat(found.indexesChecked()).isEqualTo(2);
    assertThat(found.corruptions()).isEmpty();
    assertThat(found.skipped()).isEmpty();

    List<NodeChecksums> sums = activities.checksumFailures(TestStack.CLUSTER);
    assertThat(sums).hasSize(TestStack.stack().postgres().nodes().size()).allSatisfy(n -> {
      assertThat(n.problem()).isNull();
      assertThat(n.dataChecksums()).isTrue();
      assertThat(n.total()).isZero();
    });
  }
}
