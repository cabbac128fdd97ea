package io.pgrunbooks.activities.archive;

import static io.pgrunbooks.activities.archive.ArchivePartitionOnLocalStackTest.archive;
import static io.pgrunbooks.activities.archive.ArchivePartitionOnLocalStackTest.archiveAndDecide;
import static io.pgrunbooks.activities.archive.ArchivePartitionOnLocalStackTest.awaitPendingApproval;
import static io.pgrunbooks.activities.archive.ArchivePartitionOnLocalStackTest.cause;
import static io.pgrunbooks.activities.archive.ArchivePartitionOnLocalStackTest.input;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrunbooks.activities.archive.ArchiveFaultsOnLocalStackTest.PgDelegate;
import io.pgrunbooks.activities.s3.S3ActivitiesImpl;
import io.pgrunbooks.workflows.activities.ArchiveManifest;
import io.pgrunbooks.workflows.activities.ExportInput;
import io.pgrunbooks.workflows.activities.ExportResult;
import io.pgrunbooks.workflows.activities.ReadManifestInput;
import io.pgrunbooks.workflows.activities.WriteManifestInput;
import io.pgrunbooks.workflows.approval.ApprovalSignal;
import io.pgrunbooks.workflows.archivepartition.ArchivePartitionInput;
import io.pgrunbooks.workflows.archivepartition.ArchivePartitionResult;
import io.pgrunbooks.workflows.archivepartition.ArchivePartitionWorkflow;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.restorepartition.RestorePartitionInput;
import io.pgrunbooks.workflows.restorepartition.RestorePartitionResult;
import io.pgrunbooks.workflows.restorepartition.RestorePartitionWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Issue 14 on the real stack: an archive is never overwritten (not by a second archive of a partition of
 * the same name, nor by a retry of the same run), and a drop proves by content hash, not by count, that
 * the table still holds exactly the archived rows.
 */
class ArchiveImmutabilityOnLocalStackTest {
  private static final String PRE_APPROVED = """
        preApprovals:
          - runbook: ArchivePartition
            step: drop-partition
            cluster: test
            database: postgres
            target: arch.events_d
      """;
  private ArchiveFixture f;

  @AfterEach
  void tearDown() {
    if (f != null) {
      f.close();
    }
  }

  private ArchiveFixture fixture(UnaryOperator<io.pgrunbooks.workflows.activities.PostgresArchiveActivities> pg) {
    f = new ArchiveFixture("gzip", PRE_APPROVED, pg, UnaryOperator.identity());
    ArchiveTables.create(f);
    return f;
  }

  private RestorePartitionResult restore(String workflowId, String manifestKey, String target) {
    RestorePartitionWorkflow wf = f.client.newWorkflowStub(RestorePartitionWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.CENTRAL).setWorkflowId(workflowId).build());
    return wf.run(new RestorePartitionInput("test", ArchiveFixture.DB, manifestKey, target, false, false, null, null));
  }

  @Test
  void samePartitionNameArchivedTwiceKeepsBothArchives() {
    ArchiveFixture f = fixture(UnaryOperator.identity());
    String p = ArchiveTables.month(f, "events_d", 2019, 1, 400);
    ArchivePartitionResult first = archiveAndDecide(f, input(p), null);
    assertThat(first.dropped()).isTrue();
    // A refilled gap: a partition of the same name with other rows, archived again.
    ArchiveTables.month(f, "events_d", 2019, 1, 0);
    f.sql("INSERT INTO arch.events_d SELECT g, timestamptz '2019-01-03', 'second life ' || g FROM generate_series(1, 250) g");

    ArchivePartitionResult second = archiveAndDecide(f, input(p), null);

    assertThat(second.dropped()).isTrue();
    assertThat(second.manifestKey()).isNotEqualTo(first.manifestKey());
    assertThat(second.archiveUri()).isNotEqualTo(first.archiveUri());
    String folder = ArchiveFixture.folder("events_d", "events_d_2019_01");
    assertThat(f.objects()).filteredOn(o -> o.startsWith(folder)).hasSize(4);
    // Both archives restore to their own rows.
    assertThat(restore("restore-first-life", first.manifestKey(), "arch.events_d_2019_01_first").rows()).isEqualTo(400);
    assertThat(restore("restore-second-life", second.manifestKey(), "arch.events_d_2019_01_second").rows()).isEqualTo(250);
    assertThat(f.count("SELECT count(*) FROM arch.events_d_2019_01_second WHERE payload LIKE 'second life%'")).isEqualTo(250);
    assertThat(f.count("SELECT count(*) FROM arch.events_d_2019_01_first WHERE payload LIKE 'second life%'")).isZero();
  }

  @Test
  void updateDuringTheApprovalWaitMakesTheDropRefuseAndThePartitionIsAttachedAgain() {
    f = new ArchiveFixture();
    ArchiveTables.create(f);
    String p = ArchiveTables.month(f, "events", 2019, 2, 600);
    ArchivePartitionWorkflow wf = archive(f, p);
    WorkflowClient.start(wf::run, input(p));
    awaitPendingApproval(wf);
    // Same row count, different content: count(*) alone cannot see it.
    f.sql("UPDATE " + p + " SET payload = 'changed while waiting' WHERE id = 7");
    wf.approve(new ApprovalSignal(null, "alice", "looks fine", null));

    assertThatThrownBy(() -> WorkflowStub.fromTyped(wf).getResult(ArchivePartitionResult.class))
        .isInstanceOf(WorkflowException.class)
        .satisfies(e -> {
          ApplicationFailure c = cause(e);
          assertThat(c.getType()).isEqualTo(FailureTypes.SAFETY_REFUSED);
          assertThat(c.getOriginalMessage()).contains("no longer holds exactly the archived rows")
              .contains("nothing was dropped");
        });
    assertThat(f.exists(p)).isTrue();
    assertThat(f.parentOf(p)).isEqualTo("arch.events");
    assertThat(f.string("SELECT payload FROM " + p + " WHERE id = 7")).isEqualTo("changed while waiting");
    assertThat(f.count("SELECT count(*) FROM " + p)).isEqualTo(600);
  }

  @Test
  void deleteAndReinsertOfTheSameRowDuringTheWaitIsStillRefused() {
    f = new ArchiveFixture();
    ArchiveTables.create(f);
    String p = ArchiveTables.month(f, "events", 2019, 3, 300);
    ArchivePartitionWorkflow wf = archive(f, p);
    WorkflowClient.start(wf::run, input(p));
    awaitPendingApproval(wf);
    f.sql("DELETE FROM " + p + " WHERE id = 5",
        "INSERT INTO " + p + " VALUES (5, '2019-03-02', 'the same key, another row')");
    wf.approve(new ApprovalSignal(null, "alice", "ok", null));

    assertThatThrownBy(() -> WorkflowStub.fromTyped(wf).getResult(ArchivePartitionResult.class))
        .isInstanceOf(WorkflowException.class)
        .satisfies(e -> assertThat(cause(e).getOriginalMessage()).contains("no longer holds exactly the archived rows"));
    assertThat(f.parentOf(p)).isEqualTo("arch.events");
    assertThat(f.string("SELECT payload FROM " + p + " WHERE id = 5")).isEqualTo("the same key, another row");
  }

  @Test
  void exportRetryAfterItsUploadFinishedReusesItAndNeverWritesTheKeyAgain() {
    AtomicInteger attempts = new AtomicInteger();
    List<ExportResult> results = new ArrayList<>();
    ArchiveFixture f = fixture(real -> new PgDelegate(real) {
      @Override
      public ExportResult exportPartition(ExportInput in) {
        ExportResult r = super.exportPartition(in);
        results.add(r);
        if (attempts.incrementAndGet() == 1) {
          // The worker died after the upload completed, before reporting it.
          throw ApplicationFailure.newFailure("worker lost after the upload", "Crash");
        }
        return r;
      }
    });
    String p = ArchiveTables.month(f, "events_d", 2019, 4, 1200);

    ArchivePartitionResult result = archiveAndDecide(f, input(p), null);

    assertThat(result.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(result.dropped()).isTrue();
    assertThat(results).hasSize(2);
    assertThat(results.get(0).reused()).isFalse();
    assertThat(results.get(1).reused()).isTrue();
    assertThat(results.get(1).dataKey()).isEqualTo(results.get(0).dataKey());
    assertThat(results.get(1).sha256Uncompressed()).isEqualTo(results.get(0).sha256Uncompressed());
    assertThat(results.get(1).rows()).isEqualTo(1200);
    assertThat(result.report().steps()).filteredOn(s -> s.name().equals("export")).singleElement()
        .satisfies(s -> assertThat(s.detail()).contains("reused: never written twice"));
    assertThat(f.objects()).filteredOn(o -> o.startsWith(ArchiveFixture.folder("events_d", "events_d_2019_04"))).hasSize(2);
    assertThat(restore("restore-reused", result.manifestKey(), "arch.events_d_2019_04_back").rows()).isEqualTo(1200);
  }

  @Test
  void manifestOfAnotherArchiveIsNeverOverwritten() {
    ArchiveFixture f = fixture(UnaryOperator.identity());
    String p = ArchiveTables.month(f, "events_d", 2019, 5, 30);
    ArchivePartitionResult result = archiveAndDecide(f, new ArchivePartitionInput("test", ArchiveFixture.DB, p, false,
        false, null, false, null, null), null);
    S3ActivitiesImpl s3 = new S3ActivitiesImpl(f.s3);
    ArchiveManifest m = s3.readManifest(new ReadManifestInput(result.manifestKey()));

    // A retry of the same run writes nothing new; another run's manifest on that key is refused.
    s3.writeManifest(new WriteManifestInput(result.manifestKey(), m));
    ArchiveManifest other = withRun(m, "another-run");
    assertThatThrownBy(() -> s3.writeManifest(new WriteManifestInput(result.manifestKey(), other)))
        .isInstanceOf(ApplicationFailure.class)
        .hasMessageContaining("never overwritten");
    assertThat(s3.readManifest(new ReadManifestInput(result.manifestKey())).runId()).isEqualTo(m.runId());
  }

  @Test
  void storeRefusesToReplaceAnObjectWithIfNoneMatchOnPutAndOnMultipartComplete() {
    ArchiveFixture f = fixture(UnaryOperator.identity());
    String key = "test-archives/probe/if-none-match-" + System.nanoTime();
    try (S3Client c = f.s3.client()) {
      c.putObject(b -> b.bucket(f.s3.bucket()).key(key).ifNoneMatch("*"), RequestBody.fromString("first"));
      assertThatThrownBy(() -> c.putObject(b -> b.bucket(f.s3.bucket()).key(key).ifNoneMatch("*"),
          RequestBody.fromString("second")))
          .isInstanceOf(S3Exception.class)
          .satisfies(e -> assertThat(((S3Exception) e).statusCode()).isEqualTo(412));
      assertThat(c.getObjectAsBytes(b -> b.bucket(f.s3.bucket()).key(key)).asUtf8String()).isEqualTo("first");
      // The multipart path the export takes: completing an upload onto an existing key is refused too.
      String id = c.createMultipartUpload(b -> b.bucket(f.s3.bucket()).key(key)).uploadId();
      String etag = c.uploadPart(b -> b.bucket(f.s3.bucket()).key(key).uploadId(id).partNumber(1),
          RequestBody.fromString("third")).eTag();
      assertThatThrownBy(() -> c.completeMultipartUpload(b -> b.bucket(f.s3.bucket()).key(key).uploadId(id)
          .ifNoneMatch("*").multipartUpload(m -> m.parts(p -> p.partNumber(1).eTag(etag)))))
          .isInstanceOf(S3Exception.class)
          .satisfies(e -> assertThat(((S3Exception) e).statusCode()).isEqualTo(412));
      c.abortMultipartUpload(b -> b.bucket(f.s3.bucket()).key(key).uploadId(id));
      assertThat(c.getObjectAsBytes(b -> b.bucket(f.s3.bucket()).key(key)).asUtf8String()).isEqualTo("first");
    }
  }

  private static ArchiveManifest withRun(ArchiveManifest m, String runId) {
    return new ArchiveManifest(m.formatVersion(), m.cluster(), m.database(), m.schema(), m.table(), m.parentSchema(),
        m.parentTable(), m.boundSpec(), m.columns(), m.partitionKey(), m.parentDdl(), m.indexes(), m.bucket(), m.dataKey(),
        m.format(), m.compression(), m.rows(), m.uncompressedBytes(), m.compressedBytes(), m.sha256Uncompressed(),
        m.sha256Compressed(), m.postgresVersion(), m.workflowId(), runId, m.archivedAt(), m.verification());
  }
}
