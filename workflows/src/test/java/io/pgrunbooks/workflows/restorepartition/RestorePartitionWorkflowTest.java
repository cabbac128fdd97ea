package io.pgrunbooks.workflows.restorepartition;

import static io.pgrunbooks.workflows.archivepartition.ArchiveFakes.MANIFEST_KEY;
import static io.pgrunbooks.workflows.archivepartition.ArchiveFakes.PARENT;
import static io.pgrunbooks.workflows.archivepartition.ArchiveFakes.PARTITION;
import static io.pgrunbooks.workflows.replay.TestEnvironments.assertApplicationFailure;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.workflows.activities.ArchiveManifest;
import io.pgrunbooks.workflows.archivepartition.ArchiveFakes;
import io.pgrunbooks.workflows.archivepartition.ArchiveTestRuns;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.replay.TestEnvironments;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** RestorePartition's decisions with mocked activities (DESIGN.md section 5, layer 1). */
class RestorePartitionWorkflowTest {
  private static final String RESTORE = "restore " + PARTITION + " from " + ArchiveFakes.DATA_KEY;

  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private final ArchiveFakes fakes = new ArchiveFakes();

  @BeforeEach
  void setUp() {
    fakes.manifests.put(MANIFEST_KEY, fakes.manifest());
    env = TestEnvironments.newEnvironment();
    client = ArchiveTestRuns.start(env, fakes);
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void restoreWithoutAttachCreatesTheOriginalTableAndLeavesItDetached() {
    RestorePartitionResult r = ArchiveTestRuns.restore(client).run(RestorePartitionInput.of("main", "app", MANIFEST_KEY));

    assertThat(r.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(r.table()).isEqualTo(PARTITION);
    assertThat(r.rows()).isEqualTo(ArchiveFakes.ROWS);
    assertThat(r.attached()).isFalse();
    assertThat(fakes.calls).containsExactly(RESTORE);
    assertThat(r.report().summary()).isEqualTo("restored 1200 rows into " + PARTITION);
    assertThat(r.report().approvals()).isEmpty();
  }

  @Test
  void restoreWithAttachPutsItBackWithTheOriginalBounds() {
    RestorePartitionResult r = ArchiveTestRuns.restore(client).run(input(null, true, false));

    assertThat(r.attached()).isTrue();
    assertThat(fakes.calls).containsExactly(RESTORE, ArchiveFakes.attachOriginal());
    assertThat(r.report().changes()).contains("attached " + PARTITION + " to " + PARENT + " " + ArchiveFakes.BOUNDS);
  }

  @Test
  void restoreUnderAnotherNameLoadsThatTable() {
    RestorePartitionResult r = ArchiveTestRuns.restore(client).run(input("archive.events_2025_01_check", false, false));

    assertThat(r.table()).isEqualTo("archive.events_2025_01_check");
    assertThat(fakes.calls).containsExactly("restore archive.events_2025_01_check from " + ArchiveFakes.DATA_KEY);
  }

  @Test
  void existingTargetIsRefusedAndNothingIsAttached() {
    fakes.existingTables.add(PARTITION);

    assertApplicationFailure(() -> ArchiveTestRuns.restore(client).run(input(null, true, false)), FailureTypes.BAD_INPUT,
        "table " + PARTITION + " already exists");
    assertThat(fakes.calls).isEmpty();
  }

  @Test
  void dryRunPlansTheRestoreAndTheAttachAndChangesNothing() {
    RestorePartitionResult r = ArchiveTestRuns.restore(client).run(input(null, true, true));

    assertThat(r.report().dryRun()).isTrue();
    assertThat(r.report().plan()).hasSize(3);
    assertThat(r.report().plan().get(1)).startsWith("BEGIN; CREATE TABLE " + PARTITION + " (3 columns from the manifest)");
    assertThat(r.report().plan().get(2)).isEqualTo("ALTER TABLE " + PARENT + " ATTACH PARTITION " + PARTITION + " "
        + ArchiveFakes.BOUNDS);
    assertThat(fakes.calls).isEmpty();
  }

  @Test
  void missingManifestIsBadInput() {
    assertApplicationFailure(() -> ArchiveTestRuns.restore(client).run(RestorePartitionInput.of("main", "app", "nope/manifest.json")),
        FailureTypes.BAD_INPUT, "no manifest at s3://archive/nope/manifest.json");
    assertThat(fakes.calls).isEmpty();
  }

  @Test
  void malformedTargetTableIsBadInputBeforeAnything() {
    assertApplicationFailure(() -> ArchiveTestRuns.restore(client).run(input("events; DROP TABLE x", false, false)),
        FailureTypes.BAD_INPUT, "targetTable must be schema.name of plain identifiers");
    assertThat(fakes.calls).isEmpty();
  }

  @Test
  void missingManifestKeyIsBadInput() {
    assertApplicationFailure(() -> ArchiveTestRuns.restore(client).run(RestorePartitionInput.of("main", "app", "")),
        FailureTypes.BAD_INPUT, "RestorePartition needs cluster, database and manifestKey");
  }

  @Test
  void restoreByPartitionTakesTheNewestArchiveAndNamesTheOthersInTheReport() {
    String older = "pg-runbooks/main/app/public/events/events_2025_01/run-old/manifest.json";
    fakes.manifests.put(older, archivedAt(fakes.manifest(), ArchiveFakes.NOW.minusSeconds(30L * 86400), "old/data.csv.gz"));

    RestorePartitionResult r = ArchiveTestRuns.restore(client).run(RestorePartitionInput.ofPartition("main", "app",
        PARTITION, null));

    assertThat(r.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(fakes.calls).containsExactly("list archives of " + PARTITION, RESTORE);
    assertThat(r.report().steps()).anySatisfy(s -> assertThat(s.detail()).contains("restoring the archive of "
        + ArchiveFakes.NOW).contains("other archives of " + PARTITION).contains(older));
  }

  @Test
  void restoreByPartitionAndArchivedAtTakesThatArchive() {
    Instant then = ArchiveFakes.NOW.minusSeconds(30L * 86400);
    fakes.manifests.put("pg-runbooks/main/app/public/events/events_2025_01/run-old/manifest.json",
        archivedAt(fakes.manifest(), then, "old/data.csv.gz"));

    RestorePartitionResult r = ArchiveTestRuns.restore(client).run(RestorePartitionInput.ofPartition("main", "app",
        PARTITION, then.toString()));

    assertThat(r.rows()).isEqualTo(ArchiveFakes.ROWS);
    assertThat(fakes.calls).containsExactly("list archives of " + PARTITION, "restore " + PARTITION + " from old/data.csv.gz");
  }

  @Test
  void restoreByPartitionWithoutAnArchiveOrAtAnUnknownTimeIsBadInput() {
    assertApplicationFailure(() -> ArchiveTestRuns.restore(client).run(RestorePartitionInput.ofPartition("main", "app",
        "public.events_1999_01", null)), FailureTypes.BAD_INPUT, "no archive of public.events_1999_01");
    assertThat(fakes.calls).containsExactly("list archives of public.events_1999_01");
  }

  @Test
  void manifestOfAnotherClusterOrDatabaseIsRefusedBeforeAnythingIsCreated() {
    assertApplicationFailure(() -> ArchiveTestRuns.restore(client).run(RestorePartitionInput.of("other", "app",
        MANIFEST_KEY)), FailureTypes.BAD_INPUT, "is an archive of main/app, not of other/app");
    assertThat(fakes.calls).isEmpty();
  }

  private static ArchiveManifest archivedAt(ArchiveManifest m, Instant at, String dataKey) {
    return new ArchiveManifest(m.formatVersion(), m.cluster(), m.database(), m.schema(), m.table(), m.parentSchema(),
        m.parentTable(), m.boundSpec(), m.columns(), m.partitionKey(), m.parentDdl(), m.indexes(), m.bucket(), dataKey,
        m.format(), m.compression(), m.rows(), m.uncompressedBytes(), m.compressedBytes(), m.sha256Uncompressed(),
        m.sha256Compressed(), m.postgresVersion(), m.workflowId(), "old-run", at, m.verification());
  }

  private static RestorePartitionInput input(String target, boolean attach, boolean dryRun) {
    return new RestorePartitionInput("main", "app", MANIFEST_KEY, target, attach, dryRun, "alice", "audit");
  }
}
