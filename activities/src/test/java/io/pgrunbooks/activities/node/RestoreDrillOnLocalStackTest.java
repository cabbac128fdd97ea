package io.pgrunbooks.activities.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrunbooks.activities.postgres.ConnectionFactory;
import io.pgrunbooks.activities.postgres.RestoreDrillActivitiesImpl;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.ops.stack.LocalStack;
import io.pgrunbooks.ops.stack.PostgresCluster;
import io.pgrunbooks.workflows.physicalbackup.PgBackRestBackup;
import io.pgrunbooks.workflows.restoredrill.DrillCheck;
import io.pgrunbooks.workflows.restoredrill.DrillCheckCall;
import io.pgrunbooks.workflows.restoredrill.DrillFacts;
import io.pgrunbooks.workflows.restoredrill.DrillInstance;
import io.pgrunbooks.workflows.restoredrill.DrillRemoveCall;
import io.pgrunbooks.workflows.restoredrill.DrillRestoreCall;
import io.pgrunbooks.workflows.restoredrill.DrillTarget;
import io.pgrunbooks.workflows.restoredrill.RestoreDrillRules;
import io.pgrunbooks.workflows.restoredrill.SentinelCall;
import io.pgrunbooks.workflows.restoredrill.SentinelFacts;
import io.pgrunbooks.workflows.restoredrill.TableCheck;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * RestoreDrill's activities against real pgBackRest 2.45, a real PostgreSQL primary archiving to it and the S3 store
 * over HTTPS: the sentinels prove the restore point, a removed WAL segment fails the drill loudly. In order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RestoreDrillOnLocalStackTest {
  private static final String CLUSTER = PgBackRestScratchFixture.CLUSTER;
  private static PgBackRestScratchFixture stack;
  private static Path dir;
  private static PostgresCluster cluster;
  private static RunbooksConfig config;
  private static RestoreDrillActivitiesImpl central;
  private static DrillScratchActivitiesImpl scratch;
  private static PgBackRestBackup full;

  @BeforeAll
  static void start() throws Exception {
    stack = PgBackRestScratchFixture.start("runbooks-drill-");
    dir = stack.dir;
    cluster = stack.cluster;
    config = stack.config;
    central = stack.central;
    scratch = stack.scratch;
    full = stack.full;
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close("drill-test-1", "drill-test-2");
    }
  }

  @Test
  @Order(1)
  void theTargetIsThePrimaryWithTheDatabaseAndObjectives() {
    DrillTarget t = central.restoreDrillTarget(CLUSTER, "app");

    assertThat(t.node()).isEqualTo("pg1");
    assertThat(t.host()).isEqualTo("127.0.0.1");
    assertThat(t.database()).isEqualTo("app");
    assertThat(t.rtoObjectiveSeconds()).isEqualTo(600);
    assertThat(t.rpoObjectiveSeconds()).isZero();
    assertThatThrownBy(() -> central.restoreDrillTarget(CLUSTER, "nope")).hasMessageContaining("does not exist");
  }

  @Test
  @Order(2)
  void theRestoredInstanceHoldsTheSentinelBeforeTheTargetAndNotTheOneAfter() throws Exception {
    cluster.primary().psql("app", "INSERT INTO busy SELECT generate_series(1, 10)");
    SentinelFacts s = central.drillSentinels(new SentinelCall(CLUSTER, "app", "drill-test-1", 0));
    // Written after the target: the restore must not have it.
    cluster.primary().psql("app", "INSERT INTO busy VALUES (11)");

    long t0 = System.nanoTime();
    DrillInstance instance = scratch.drillRestore(new DrillRestoreCall(CLUSTER, "drill-test-1", full.label(),
        s.target()));
    double wall = (System.nanoTime() - t0) / 1e9;
    DrillFacts facts = central.drillCheck(new DrillCheckCall(CLUSTER, "app", "127.0.0.1", instance.port(), s));
    List<DrillCheck> checks = RestoreDrillRules.checks(s, instance, facts);
    System.out.printf("restore drill: restore %.1f s, RTO %.1f s (activity wall %.1f s), RPO %d s, %s%n",
        instance.restoreSeconds(), instance.rtoSeconds(), wall, s.rpoSeconds(), instance.recoveryStop());

    assertThat(s.beforeId()).isPositive();
    assertThat(s.afterId()).isGreaterThan(s.beforeId());
    assertThat(facts.inRecovery()).isFalse();
    assertThat(facts.timeline()).isGreaterThan(1);
    assertThat(facts.beforePresent()).isTrue();
    assertThat(facts.afterPresent()).isFalse();
    assertThat(instance.recoveryStop()).contains("recovery stopping before commit");
    assertThat(facts.tables()).extracting(TableCheck::table).contains("public.quiet").doesNotContain("public.busy");
    assertThat(facts.tables()).filteredOn(t -> t.table().equals("public.quiet")).singleElement()
        .matches(TableCheck::matches).extracting(TableCheck::restoredRows).isEqualTo(20000L);
    assertThat(facts.writtenTables()).isEqualTo(1);
    assertThat(facts.indexesChecked()).isPositive();
    assertThat(facts.amcheckErrors()).isEmpty();
    assertThat(checks).allMatch(DrillCheck::ok);
    // The scratch instance never archives into the cluster's repository.
    try (var c = new ConnectionFactory(config).openInstance(CLUSTER, "127.0.0.1", instance.port(), "app");
         var st = c.createStatement(); var rs = st.executeQuery("SELECT current_setting('archive_mode')")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualTo("off");
    }
    // A retry of the sentinels step reuses the rows and the target.
    SentinelFacts again = central.drillSentinels(new SentinelCall(CLUSTER, "app", "drill-test-1", 0));
    assertThat(again.afterId()).isEqualTo(s.afterId());
    assertThat(again.target()).isEqualTo(s.target());
  }

  @Test
  @Order(3)
  void removingTheScratchInstanceStopsItDeletesItAndIsIdempotent() {
    Path drillDir = cluster.primary().dataDir().resolveSibling(DrillScratchActivitiesImpl.DRILLS_DIR)
        .resolve("drill-test-1");
    assertThat(drillDir).exists();

    assertThat(scratch.drillRemove(new DrillRemoveCall(CLUSTER, "drill-test-1"))).isTrue();

    assertThat(drillDir).doesNotExist();
    assertThat(scratch.drillRemove(new DrillRemoveCall(CLUSTER, "drill-test-1"))).isFalse();
    assertThat(cluster.primary().psql("app", "SELECT count(*) FROM busy").strip()).isEqualTo("11");
  }

  @Test
  @Order(4)
  void aWalSegmentMissingFromTheRepositoryFailsTheDrillLoudly() throws Exception {
    SentinelFacts s = central.drillSentinels(new SentinelCall(CLUSTER, "app", "drill-test-2", 0));
    // Break the archive: every segment after the backup's end goes, so recovery cannot reach the target.
    Path archive = dir.resolve("s3").resolve(LocalStack.BUCKET).resolve("pgbackrest/main/archive/main");
    List<Path> removed;
    try (Stream<Path> files = Files.walk(archive)) {
      removed = files.filter(Files::isRegularFile).filter(p -> p.getFileName().toString().matches("[0-9A-F]{24}-.*"))
          .filter(p -> p.getFileName().toString().substring(0, 24).compareTo(full.walStop()) > 0).toList();
    }
    assertThat(removed).isNotEmpty();
    for (Path p : removed) {
      Files.delete(p);
    }

    assertThatThrownBy(() -> scratch.drillRestore(new DrillRestoreCall(CLUSTER, "drill-test-2", full.label(),
        s.target())))
        .isInstanceOf(ApplicationFailure.class)
        .matches(e -> ((ApplicationFailure) e).isNonRetryable())
        .hasMessageContaining("recovery ended before configured recovery target was reached");
    assertThat(scratch.drillRemove(new DrillRemoveCall(CLUSTER, "drill-test-2"))).isTrue();
  }
}
