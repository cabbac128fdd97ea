package io.pgrunbooks.activities.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrunbooks.activities.TestStack;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.ops.stack.PostgresCluster;
import io.pgrunbooks.ops.stack.PostgresNode;
import io.pgrunbooks.ops.stack.SharedStack;
import io.pgrunbooks.workflows.activities.HealthFactsInput;
import io.pgrunbooks.workflows.activities.NodeHealthFacts;
import io.pgrunbooks.workflows.activities.NodeHealthFacts.DatabaseSize;
import io.pgrunbooks.workflows.activities.NodeHealthFacts.LockWait;
import io.pgrunbooks.workflows.activities.NodeHealthFacts.LongQuery;
import io.pgrunbooks.workflows.activities.NodeHealthFacts.ReplicationPeer;
import io.pgrunbooks.workflows.common.DataConverters;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Against the real primary and streaming replica of the shared local stack; no mocks. */
class PostgresActivitiesImplTest {
  private static PostgresCluster pg;
  private static RunbooksConfig config;
  private static PostgresActivitiesImpl activities;
  /** Every fact and failure text a test produced, checked for the password at the end. */
  private static final List<String> seen = new ArrayList<>();

  @BeforeAll
  static void setUp() {
    pg = TestStack.stack().postgres();
    config = TestStack.config(1);
    activities = new PostgresActivitiesImpl(config, factory(config, TestStack.env()));
    pg.awaitStreaming(replica().name(), Duration.ofSeconds(30));
  }

  @AfterAll
  static void passwordNeverAppearsInAnyFactOrError() {
    assertThat(seen).isNotEmpty();
    assertThat(seen).noneMatch(s -> s.contains(SharedStack.PASSWORD));
  }

  @Test
  void cacheHitRatioIsReportedOnlyOnceEnoughBlocksWereAccessed() throws Exception {
    long blocks;
    try (var c = primary().connect("postgres"); var st = c.createStatement();
         var rs = st.executeQuery("SELECT sum(blks_hit) + sum(blks_read) FROM pg_stat_database")) {
      rs.next();
      blocks = rs.getLong(1);
    }
    Double ratio = collect(primary().name()).cacheHitRatio();

    if (blocks < HealthFactsReader.MIN_BLOCKS_FOR_CACHE_RATIO) {
      assertThat(ratio).as("cold server, %d blocks", blocks).isNull();
    } else {
      assertThat(ratio).isBetween(0.0, 1.0);
    }
  }

  @Test
  void primaryReportsOneStreamingReplicaWithSmallLag() {
    NodeHealthFacts facts = collect(primary().name());

    assertThat(facts.reachable()).isTrue();
    assertThat(facts.inRecovery()).isFalse();
    assertThat(facts.serverVersion()).startsWith("PostgreSQL 15");
    assertThat(facts.maxConnections()).isPositive();
    assertThat(facts.connections()).isBetween(1, facts.maxConnections());
    assertThat(facts.databases()).extracting(DatabaseSize::name).contains("postgres").doesNotContain("template0", "template1");
    assertThat(facts.databases()).allSatisfy(d -> assertThat(d.bytes()).isPositive());
    assertThat(facts.receiver()).isNull();
    assertThat(facts.replicas()).hasSize(1);
    ReplicationPeer peer = facts.replicas().get(0);
    assertThat(peer.applicationName()).isEqualTo(replica().name());
    assertThat(peer.slotName()).isEqualTo(config.cluster(TestStack.CLUSTER).node(replica().name()).slot());
    assertThat(peer.state()).isEqualTo("streaming");
    assertThat(peer.clientAddr()).isEqualTo("127.0.0.1");
    for (Double lag : new Double[] {peer.writeLagSeconds(), peer.flushLagSeconds(), peer.replayLagSeconds()}) {
      assertThat(lag == null ? 0.0 : lag).isLessThan(5.0);
    }
    assertThat(peer.replayLagBytes()).isBetween(0L, 16L * 1024 * 1024);
  }

  @Test
  void replicaReportsRecoveryAndAStreamingWalReceiver() {
    NodeHealthFacts facts = collect(replica().name());

    assertThat(facts.reachable()).isTrue();
    assertThat(facts.inRecovery()).isTrue();
    assertThat(facts.replicas()).isEmpty();
    assertThat(facts.receiver()).isNotNull();
    assertThat(facts.receiver().status()).isEqualTo("streaming");
    assertThat(facts.receiver().senderPort()).isEqualTo(primary().port());
    assertThat(facts.receiver().slotName()).isEqualTo(config.cluster(TestStack.CLUSTER).node(replica().name()).slot());
    assertThat(facts.receiver().replayBacklogBytes()).isNotNegative();
  }

  @Test
  void queryRunningLongerThanTheThresholdIsReported() throws Exception {
    try (Connection c = primary().connect("postgres"); Statement s = c.createStatement()) {
      int pid = pid(c);
      CompletableFuture<Void> sleeping = CompletableFuture.runAsync(() -> {
        try {
          s.execute("SELECT pg_sleep(60) /* health-check-test */");
        } catch (Exception cancelled) {
          // cancelled below
        }
      });
      try {
        NodeHealthFacts facts = awaitFacts(primary().name(), f -> f.longQueries().stream().anyMatch(q -> q.pid() == pid));
        LongQuery q = facts.longQueries().stream().filter(x -> x.pid() == pid).findFirst().orElseThrow();
        assertThat(q.seconds()).isGreaterThanOrEqualTo(1);
        assertThat(q.state()).isEqualTo("active");
        assertThat(q.user()).isEqualTo("postgres");
        assertThat(q.database()).isEqualTo("postgres");
        assertThat(q.query()).contains("pg_sleep(60)");
      } finally {
        s.cancel();
        sleeping.get();
      }
    }
  }

  @Test
  void sessionWaitingForALockIsReportedWithItsBlocker() throws Exception {
    String table = "health_lock_probe";
    primary().psql("postgres", "CREATE TABLE IF NOT EXISTS " + table + " (id int)");
    try (Connection holder = primary().connect("postgres"); Connection waiter = primary().connect("postgres")) {
      int holderPid = pid(holder);
      int waiterPid = pid(waiter);
      holder.setAutoCommit(false);
      try (Statement s = holder.createStatement()) {
        s.execute("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
      }
      CompletableFuture<Void> blocked = CompletableFuture.runAsync(() -> {
        try (Statement s = waiter.createStatement()) {
          s.execute("SELECT count(*) FROM " + table);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      try {
        NodeHealthFacts facts = awaitFacts(primary().name(),
            f -> f.lockWaits().stream().anyMatch(w -> w.blockedPid() == waiterPid));
        LockWait wait = facts.lockWaits().stream().filter(w -> w.blockedPid() == waiterPid).findFirst().orElseThrow();
        assertThat(wait.blockingPid()).isEqualTo(holderPid);
        assertThat(wait.blockedQuery()).contains("SELECT count(*) FROM " + table);
        assertThat(wait.blockingQuery()).contains("LOCK TABLE " + table);
        assertThat(wait.waitingSeconds()).isNotNegative();
      } finally {
        holder.rollback();
        blocked.get();
        primary().psql("postgres", "DROP TABLE IF EXISTS " + table);
      }
    }
  }

  @Test
  void stoppedNodeIsReportedUnreachableNotFailed() {
    PostgresNode node = replica();
    node.stop();
    try {
      NodeHealthFacts facts = collect(node.name());

      assertThat(facts.reachable()).isFalse();
      assertThat(facts.inRecovery()).isNull();
      assertThat(facts.error()).isEqualTo("connection refused at 127.0.0.1:" + node.port());
    } finally {
      node.start();
      pg.awaitStreaming(node.name(), Duration.ofSeconds(60));
    }
  }

  @Test
  void wrongPasswordIsAnUnreachableNodeAndTheTriedPasswordIsNotShown() {
    String wrong = "not-the-" + SharedStack.PASSWORD;
    PostgresActivitiesImpl withWrongPassword =
        new PostgresActivitiesImpl(config, factory(config, Map.of(TestStack.PASSWORD_ENV, wrong)));

    NodeHealthFacts facts = withWrongPassword.collectHealthFacts(new HealthFactsInput(TestStack.CLUSTER, primary().name()));
    seen.add(json(facts));

    assertThat(facts.reachable()).isFalse();
    assertThat(facts.error()).startsWith("login as postgres refused at 127.0.0.1:" + primary().port())
        .doesNotContain(wrong);
  }

  @Test
  void unsetPasswordVariableIsAConfigErrorNamingTheVariableOnly() {
    PostgresActivitiesImpl withoutPassword = new PostgresActivitiesImpl(config, factory(config, Map.of()));

    assertThatThrownBy(() -> withoutPassword.collectHealthFacts(new HealthFactsInput(TestStack.CLUSTER, primary().name())))
        .isInstanceOfSatisfying(ApplicationFailure.class, e -> {
          seen.add(e.getOriginalMessage());
          assertThat(e.getType()).isEqualTo(FailureTypes.CONFIG);
          assertThat(e.isNonRetryable()).isTrue();
          assertThat(e.getOriginalMessage()).contains(TestStack.PASSWORD_ENV, "not set");
        });
  }

  @Test
  void unknownNodeIsNonRetryableBadInput() {
    assertThatThrownBy(() -> activities.collectHealthFacts(new HealthFactsInput(TestStack.CLUSTER, "pg9")))
        .isInstanceOfSatisfying(ApplicationFailure.class, e -> {
          seen.add(e.getOriginalMessage());
          assertThat(e.getType()).isEqualTo(FailureTypes.BAD_INPUT);
          assertThat(e.isNonRetryable()).isTrue();
          assertThat(e.getOriginalMessage()).startsWith("unknown node 'pg9' in cluster test; its nodes: ");
        });
  }

  @Test
  void unknownClusterIsNonRetryableBadInput() {
    assertThatThrownBy(() -> activities.collectHealthFacts(new HealthFactsInput("nope", primary().name())))
        .isInstanceOfSatisfying(ApplicationFailure.class, e -> {
          assertThat(e.getType()).isEqualTo(FailureTypes.BAD_INPUT);
          assertThat(e.getOriginalMessage()).isEqualTo("unknown cluster 'nope'; configured clusters: test");
        });
  }

  // --- helpers ---

  private static ConnectionFactory factory(RunbooksConfig config, Map<String, String> env) {
    return new ConnectionFactory(config, () -> env, Duration.ofSeconds(5), Duration.ofSeconds(30));
  }

  private static PostgresNode primary() {
    return pg.primary();
  }

  private static PostgresNode replica() {
    return pg.replicas().get(0);
  }

  private static NodeHealthFacts collect(String node) {
    NodeHealthFacts facts = activities.collectHealthFacts(new HealthFactsInput(TestStack.CLUSTER, node));
    seen.add(json(facts));
    return facts;
  }

  /** Collects until {@code until} holds (the server needs a moment to show a new session), at most 15 s. */
  private static NodeHealthFacts awaitFacts(String node, Predicate<NodeHealthFacts> until) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    NodeHealthFacts facts = collect(node);
    while (!until.test(facts) && System.nanoTime() < deadline) {
      Thread.sleep(200);
      facts = collect(node);
    }
    assertThat(until).as("facts of %s never matched; last: %s", node, facts).accepts(facts);
    return facts;
  }

  private static int pid(Connection c) throws Exception {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static String json(Object o) {
    try {
      return DataConverters.objectMapper().writeValueAsString(o);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
