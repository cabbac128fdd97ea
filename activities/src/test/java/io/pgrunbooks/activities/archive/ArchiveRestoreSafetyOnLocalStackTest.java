package io.pgrunbooks.activities.archive;

import static io.pgrunbooks.activities.archive.ArchivePartitionOnLocalStackTest.archiveAndDecide;
import static io.pgrunbooks.activities.archive.ArchivePartitionOnLocalStackTest.cause;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgrunbooks.activities.postgres.ConnectionFactory;
import io.pgrunbooks.activities.postgres.PostgresArchiveActivitiesImpl;
import io.pgrunbooks.activities.s3.S3ActivitiesImpl;
import io.pgrunbooks.workflows.activities.ArchiveEntry;
import io.pgrunbooks.workflows.activities.AttachInput;
import io.pgrunbooks.workflows.activities.ListArchivesInput;
import io.pgrunbooks.workflows.activities.PartitionRef;
import io.pgrunbooks.workflows.activities.ReadManifestInput;
import io.pgrunbooks.workflows.archivepartition.ArchivePartitionInput;
import io.pgrunbooks.workflows.archivepartition.ArchivePartitionResult;
import io.pgrunbooks.workflows.common.DataConverters;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.restorepartition.RestorePartitionInput;
import io.pgrunbooks.workflows.restorepartition.RestorePartitionResult;
import io.pgrunbooks.workflows.restorepartition.RestorePartitionWorkflow;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * RestorePartition on the real stack after issue 14: archives in the old layout stay restorable, a
 * partition restores by name (newest archive, the others listed), and it reads only manifests inside
 * the configured bucket and prefix and attaches only to a configured parent without overlap.
 */
class ArchiveRestoreSafetyOnLocalStackTest {
  private static final ObjectMapper JSON = DataConverters.objectMapper();
  private ArchiveFixture f;

  @AfterEach
  void tearDown() {
    if (f != null) {
      f.close();
    }
  }

  private ArchiveFixture fixture() {
    f = new ArchiveFixture();
    ArchiveTables.create(f);
    return f;
  }

  private RestorePartitionResult restore(String id, RestorePartitionInput in) {
    return f.client.newWorkflowStub(RestorePartitionWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.CENTRAL).setWorkflowId(id).build()).run(in);
  }

  private ArchivePartitionResult archiveKeepingIt(String partition) {
    return archiveAndDecide(f, new ArchivePartitionInput("test", ArchiveFixture.DB, partition, false, false, null, false,
        null, null), null);
  }

  @Test
  void archiveInTheOldLayoutStaysRestorableByKeyAndByPartition() throws Exception {
    ArchiveFixture f = fixture();
    String p = ArchiveTables.month(f, "events", 2018, 1, 321);
    ArchivePartitionResult archived = archiveKeepingIt(p);
    // The same archive as a run before issue 14 wrote it: data.csv.gz and manifest.json in the partition folder.
    String folder = ArchiveFixture.folder("events", "events_2018_01");
    String legacyManifest = folder + "manifest.json";
    try (S3Client c = f.s3.client()) {
      String bucket = f.s3.bucket();
      byte[] data = c.getObjectAsBytes(b -> b.bucket(bucket).key(archived.archiveUri().substring(("s3://" + bucket + "/")
          .length()))).asByteArray();
      c.putObject(b -> b.bucket(bucket).key(folder + "data.csv.gz"), RequestBody.fromBytes(data));
      ObjectNode m = (ObjectNode) JSON.readTree(c.getObjectAsBytes(b -> b.bucket(bucket).key(archived.manifestKey()))
          .asByteArray());
      m.put("dataKey", folder + "data.csv.gz");
      m.put("runId", "legacy-run");
      m.put("archivedAt", "2025-01-01T00:00:00Z");
      c.putObject(b -> b.bucket(bucket).key(legacyManifest), RequestBody.fromBytes(JSON.writeValueAsBytes(m)));
    }
    f.sql("DROP TABLE IF EXISTS arch.events_2018_01_legacy");

    RestorePartitionResult restored = restore("restore-legacy", new RestorePartitionInput("test", ArchiveFixture.DB,
        legacyManifest, "arch.events_2018_01_legacy", false, false, null, null));

    assertThat(restored.rows()).isEqualTo(321);
    assertThat(f.count("SELECT count(*) FROM (SELECT * FROM " + p + " EXCEPT ALL SELECT * FROM arch.events_2018_01_legacy) d"))
        .isZero();
    List<ArchiveEntry> listed = new S3ActivitiesImpl(f.s3).listArchives(new ListArchivesInput("test", ArchiveFixture.DB, p));
    assertThat(listed).extracting(ArchiveEntry::layout).containsExactly("run", "legacy");
    assertThat(listed).extracting(ArchiveEntry::manifestKey).containsExactly(archived.manifestKey(), legacyManifest);
    // By partition and archivedAt: the legacy one.
    f.sql("DROP TABLE arch.events_2018_01_legacy");
    RestorePartitionResult byTime = restore("restore-legacy-by-time", new RestorePartitionInput("test", ArchiveFixture.DB,
        null, "arch.events_2018_01_legacy", false, false, null, null, p, "2025-01-01T00:00:00Z"));
    assertThat(byTime.rows()).isEqualTo(321);
    assertThat(byTime.report().steps()).anySatisfy(s -> assertThat(s.detail()).contains("restoring the archive of "
        + "2025-01-01T00:00:00Z").contains(legacyManifest));
  }

  @Test
  void restoreByPartitionTakesTheNewestArchiveAndListsTheOthers() {
    ArchiveFixture f = fixture();
    String p = ArchiveTables.month(f, "events", 2018, 2, 100);
    ArchivePartitionResult first = archiveKeepingIt(p);
    f.sql("INSERT INTO " + p + " SELECT g, '2018-02-03', 'later' FROM generate_series(1000, 1049) g");
    ArchivePartitionResult second = archiveKeepingIt(p);
    f.sql("DROP TABLE IF EXISTS arch.events_2018_02_back");

    RestorePartitionResult r = restore("restore-newest", new RestorePartitionInput("test", ArchiveFixture.DB, null,
        "arch.events_2018_02_back", false, false, null, null, p, null));

    assertThat(r.rows()).isEqualTo(150);
    assertThat(r.report().steps()).anySatisfy(s -> assertThat(s.detail()).contains("other archives of " + p)
        .contains(first.manifestKey()).doesNotContain("; " + second.manifestKey()));
  }

  @Test
  void manifestKeysOutsideTheConfiguredBucketAndPrefixAreRefused() throws Exception {
    ArchiveFixture f = fixture();
    S3ActivitiesImpl s3 = new S3ActivitiesImpl(f.s3);
    String folder = ArchiveFixture.folder("events", "events_2018_03");
    for (String key : List.of(folder + "../events_2018_04/manifest.json", "s3://another-bucket/" + folder + "manifest.json",
        "elsewhere/test/postgres/arch/events/events_2018_03/manifest.json", folder + "data.csv.gz")) {
      assertThatThrownBy(() -> s3.readManifest(new ReadManifestInput(key)))
          .as(key)
          .isInstanceOf(ApplicationFailure.class)
          .satisfies(e -> assertThat(((ApplicationFailure) e).getType()).isEqualTo(FailureTypes.BAD_INPUT));
    }
    // A manifest inside the prefix that points at another bucket's object is refused as well.
    String p = ArchiveTables.month(f, "events", 2018, 3, 10);
    ArchivePartitionResult archived = archiveKeepingIt(p);
    String forged = folder + "run-forged/manifest.json";
    try (S3Client c = f.s3.client()) {
      ObjectNode m = (ObjectNode) JSON.readTree(c.getObjectAsBytes(b -> b.bucket(f.s3.bucket()).key(archived.manifestKey()))
          .asByteArray());
      m.put("bucket", "another-bucket");
      c.putObject(b -> b.bucket(f.s3.bucket()).key(forged), RequestBody.fromBytes(JSON.writeValueAsBytes(m)));
    }
    assertThatThrownBy(() -> s3.readManifest(new ReadManifestInput(forged)))
        .hasMessageContaining("outside the configured archive bucket and prefix");
    // Through the runbook: refused before anything is created.
    f.sql("DROP TABLE IF EXISTS arch.never_created");
    assertThatThrownBy(() -> restore("restore-dotdot", new RestorePartitionInput("test", ArchiveFixture.DB,
        folder + "../x/manifest.json", "arch.never_created", false, false, null, null)))
        .satisfies(e -> assertThat(cause(e).getType()).isEqualTo(FailureTypes.BAD_INPUT));
    assertThat(f.exists("arch.never_created")).isFalse();
  }

  @Test
  void restoredTableIsAttachedOnlyToAConfiguredParentAndNeverOverAnExistingPartition() {
    ArchiveFixture f = fixture();
    PostgresArchiveActivitiesImpl pg = new PostgresArchiveActivitiesImpl(f.config,
        new ConnectionFactory(f.config, () -> f.env, Duration.ofSeconds(5), Duration.ofSeconds(60)), f.s3);
    f.sql("DROP TABLE IF EXISTS arch.loose", "CREATE TABLE arch.loose (id bigint, ts timestamptz NOT NULL)");
    long oid = f.count("SELECT 'arch.loose'::regclass::oid");

    assertThatThrownBy(() -> pg.attachRestored(new AttachInput(new PartitionRef("test", ArchiveFixture.DB, "arch", "loose",
        oid, "arch", "unconfigured"), "FOR VALUES FROM ('2021-01-01') TO ('2021-02-01')")))
        .satisfies(e -> assertThat(((ApplicationFailure) e).getType()).isEqualTo(FailureTypes.BAD_INPUT))
        .hasMessageContaining("no partition policy");
    assertThat(f.parentOf("arch.loose")).isNull();

    ArchiveTables.month(f, "kept", 2018, 5, 0);
    assertThatThrownBy(() -> pg.attachRestored(new AttachInput(new PartitionRef("test", ArchiveFixture.DB, "arch", "loose",
        oid, "arch", "kept"), "FOR VALUES FROM ('2018-05-15') TO ('2018-06-15')")))
        .satisfies(e -> assertThat(((ApplicationFailure) e).getType()).isEqualTo(FailureTypes.SAFETY_REFUSED))
        .hasMessageContaining("overlap partition arch.kept_2018_05");
    assertThat(f.parentOf("arch.loose")).isNull();

    pg.attachRestored(new AttachInput(new PartitionRef("test", ArchiveFixture.DB, "arch", "loose", oid, "arch", "kept"),
        "FOR VALUES FROM ('2018-07-01') TO ('2018-08-01')"));
    assertThat(f.parentOf("arch.loose")).isEqualTo("arch.kept");
    f.sql("ALTER TABLE arch.kept DETACH PARTITION arch.loose", "DROP TABLE arch.loose");
  }
}
