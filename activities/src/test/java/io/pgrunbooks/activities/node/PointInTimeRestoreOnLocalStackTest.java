package io.pgrunbooks.activities.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrunbooks.activities.postgres.ConnectionFactory;
import io.pgrunbooks.ops.stack.PitrMarkers;
import io.pgrunbooks.ops.stack.PostgresNode;
import io.pgrunbooks.workflows.physicalbackup.PgBackRestCall;
import io.pgrunbooks.workflows.pitr.PitrRules;
import io.pgrunbooks.workflows.pitr.PitrTarget;
import io.pgrunbooks.workflows.pitr.PointInTimeRestoreInput;
import io.pgrunbooks.workflows.restoredrill.DrillInstance;
import io.pgrunbooks.workflows.restoredrill.DrillRemoveCall;
import io.pgrunbooks.workflows.restoredrill.DrillRestoreCall;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PointInTimeRestore's scratch restore against real pgBackRest 2.45, a real PostgreSQL primary archiving to the S3
 * store over HTTPS: marker rows committed just before and just after a whole-second target time prove the restore
 * point to the second; a named restore point is reached too.
 */
class PointInTimeRestoreOnLocalStackTest {
  private static final String CLUSTER = PgBackRestScratchFixture.CLUSTER;
  private static PgBackRestScratchFixture stack;
  private static PostgresNode primary;

  @BeforeAll
  static void start() throws Exception {
    stack = PgBackRestScratchFixture.start("runbooks-pitr-");
    primary = stack.cluster.primary();
    primary.psql("app", "CREATE TABLE marker(name text PRIMARY KEY, at timestamptz NOT NULL DEFAULT clock_timestamp())");
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close("drill-pitr-time", "drill-pitr-name");
    }
  }

  @Test
  void aTimeTargetToTheSecondKeepsTheRowCommittedBeforeItAndNotTheOneAfter() throws Exception {
    // The target is the next whole second after 'before' committed; 'after' commits within that second.
    Instant target = PitrMarkers.aroundATarget(primary, "app");
    PitrMarkers.archiveCurrentSegment(primary);

    PitrTarget t = PitrRules.target(PointInTimeRestoreInput.toTime(CLUSTER, target.toString()));
    assertThat(PitrRules.chooseBackup(stack.pgbackrest.pgbackrestInfo(PgBackRestCall.info(CLUSTER)), t, CLUSTER)
        .label()).isEqualTo(stack.full.label());
    DrillInstance instance = stack.scratch.drillRestore(new DrillRestoreCall(CLUSTER, "drill-pitr-time",
        stack.full.label(), t.value(), t.type()));
    System.out.printf("point-in-time restore to %s: restore %.1f s, queryable after %.1f s, %s%n", t.value(),
        instance.restoreSeconds(), instance.rtoSeconds(), instance.recoveryStop());

    assertThat(PitrRules.notReached(t, instance.recoveryStop())).isNull();
    assertThat(markers(instance)).contains("before").doesNotContain("after");
    assertThat(primary.psql("app", "SELECT count(*) FROM marker WHERE name IN ('before', 'after')").strip())
        .isEqualTo("2");
    assertThat(stack.scratch.drillRemove(new DrillRemoveCall(CLUSTER, "drill-pitr-time"))).isTrue();
  }

  @Test
  void aNamedRestorePointIsReachedAndTheOldestBackupIsChosenForIt() throws Exception {
    primary.psql("app", "INSERT INTO marker(name) VALUES ('before-point')");
    primary.psql("app", "SELECT pg_create_restore_point('pitr-test-point')");
    primary.psql("app", "INSERT INTO marker(name) VALUES ('after-point')");
    PitrMarkers.archiveCurrentSegment(primary);

    PitrTarget t = PitrRules.target(new PointInTimeRestoreInput(CLUSTER, null, null, "pitr-test-point", null, null,
        null, false, null, null));
    DrillInstance instance = stack.scratch.drillRestore(new DrillRestoreCall(CLUSTER, "drill-pitr-name",
        stack.full.label(), t.value(), t.type()));

    assertThat(instance.recoveryStop()).contains("restore point \"pitr-test-point\"");
    assertThat(PitrRules.notReached(t, instance.recoveryStop())).isNull();
    assertThat(markers(instance)).contains("before-point").doesNotContain("after-point");
    assertThat(stack.scratch.drillRemove(new DrillRemoveCall(CLUSTER, "drill-pitr-name"))).isTrue();
  }

  @Test
  void aTimeBeforeTheOldestBackupIsRefusedBeforeAnyRestore() {
    PitrTarget t = PitrRules.target(PointInTimeRestoreInput.toTime(CLUSTER, "2020-01-01T00:00:00Z"));

    assertThatThrownBy(() -> PitrRules.chooseBackup(stack.pgbackrest.pgbackrestInfo(PgBackRestCall.info(CLUSTER)), t,
        CLUSTER)).hasMessageContaining("is before the oldest backup " + stack.full.label());
  }

  private static List<String> markers(DrillInstance instance) throws Exception {
    List<String> names = new ArrayList<>();
    try (Connection c = new ConnectionFactory(stack.config).openInstance(CLUSTER, "127.0.0.1", instance.port(), "app");
         Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT name FROM marker ORDER BY at")) {
      while (rs.next()) {
        names.add(rs.getString(1));
      }
    }
    return names;
  }
}
