package io.pgrunbooks.activities.archive;

import static io.pgrunbooks.activities.archive.ArchivePartitionOnLocalStackTest.archiveAndDecide;
import static io.pgrunbooks.activities.archive.ArchivePartitionOnLocalStackTest.cause;
import static io.pgrunbooks.activities.archive.ArchivePartitionOnLocalStackTest.input;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrunbooks.workflows.activities.ArchiveManifest;
import io.pgrunbooks.workflows.activities.AttachInput;
import io.pgrunbooks.workflows.activities.DetachResult;
import io.pgrunbooks.workflows.activities.DropPartitionInput;
import io.pgrunbooks.workflows.activities.DropPartitionResult;
import io.pgrunbooks.workflows.activities.ExportInput;
import io.pgrunbooks.workflows.activities.ExportResult;
import io.pgrunbooks.workflows.activities.InspectPartitionInput;
import io.pgrunbooks.workflows.activities.ArchivePreflightFacts;
import io.pgrunbooks.workflows.activities.PartitionRef;
import io.pgrunbooks.workflows.activities.PostgresArchiveActivities;
import io.pgrunbooks.workflows.activities.ReadManifestInput;
import io.pgrunbooks.workflows.activities.RestoreTableInput;
import io.pgrunbooks.workflows.activities.RestoreTableResult;
import io.pgrunbooks.workflows.activities.S3Activities;
import io.pgrunbooks.workflows.activities.VerifyArchiveInput;
import io.pgrunbooks.workflows.activities.VerifyArchiveResult;
import io.pgrunbooks.workflows.activities.WriteManifestInput;
import io.pgrunbooks.workflows.archivepartition.ArchivePartitionInput;
import io.pgrunbooks.workflows.archivepartition.ArchivePartitionResult;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.restorepartition.RestorePartitionInput;
import io.pgrunbooks.workflows.restorepartition.RestorePartitionResult;
import io.pgrunbooks.workflows.restorepartition.RestorePartitionWorkflow;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowOptions;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** The fault list of issue 5 with the real activities, real PostgreSQL and the real S3 store. */
class ArchiveFaultsOnLocalStackTest {
  private static final String PRE_APPROVED = """
        preApprovals:
          - runbook: ArchivePartition
            step: drop-partition
            cluster: test
            database: postgres
            target: arch.events
      """;
  private ArchiveFixture f;

  @AfterEach
  void tearDown() {
    if (f != null) {
      f.stack.s3().start();
      f.close();
    }
  }

  private ArchiveFixture fixture(String compression, UnaryOperator<PostgresArchiveActivities> pg, UnaryOperator<S3Activities> s3) {
    f = new ArchiveFixture(compression, PRE_APPROVED, pg, s3);
    ArchiveTables.create(f);
    return f;
  }

  @Test
  void objectAlteredBeforeVerificationIsDetectedAndNothingIsDropped() {
    ArchiveFixture f = fixture("gzip", UnaryOperator.identity(), real -> new S3Delegate(real) {
      @Override
      public VerifyArchiveResult verifyArchive(VerifyArchiveInput in) {
        corrupt(in.expected());
        return super.verifyArchive(in);
      }
    });
    String p = ArchiveTables.month(f, "events", 2020, 6, 2000);

    assertThatThrownBy(() -> archiveAndDecide(f, input(p), null))
        .isInstanceOf(WorkflowException.class)
        .satisfies(e -> {
          assertThat(cause(e).getType()).isEqualTo(FailureTypes.SAFETY_REFUSED);
          assertThat(cause(e).getOriginalMessage()).contains("failed verification").contains("nothing was dropped");
        });
    assertThat(f.parentOf(p)).isEqualTo("arch.events");
    assertThat(f.count("SELECT count(*) FROM " + p)).isEqualTo(2000);
    assertThat(f.objects()).noneMatch(o -> o.startsWith(ArchiveFixture.folder("events", "events_2020_06") + "manifest.json"));
  }

  @Test
  void rowsWrittenToTheDetachedTableAfterExportMakeTheDropRefuse() {
    AtomicInteger drops = new AtomicInteger();
    ArchiveFixture[] self = new ArchiveFixture[1];
    ArchiveFixture f = fixture("gzip", real -> new PgDelegate(real) {
      @Override
      public DropPartitionResult dropPartition(DropPartitionInput in) {
        if (drops.getAndIncrement() == 0) {
          self[0].sql("INSERT INTO " + in.ref().qualified() + " VALUES (999999, '2020-07-15', 'written directly')");
        }
        return super.dropPartition(in);
      }
    }, UnaryOperator.identity());
    self[0] = f;
    String p = ArchiveTables.month(f, "events", 2020, 7, 700);

    assertThatThrownBy(() -> archiveAndDecide(f, input(p), null))
        .isInstanceOf(WorkflowException.class)
        .satisfies(e -> assertThat(cause(e).getOriginalMessage()).contains("no longer holds exactly the archived rows")
            .contains("now 701 rows").contains(": 700 rows").contains("nothing was dropped"));
    assertThat(drops.get()).isEqualTo(1);
    assertThat(f.exists(p)).isTrue();
    assertThat(f.parentOf(p)).isEqualTo("arch.events");
    assertThat(f.count("SELECT count(*) FROM " + p)).isEqualTo(701);
  }

  @Test
  void storeDownDuringExportIsRetriedWithBackoffAndTheRunCompletes() {
    AtomicInteger attempts = new AtomicInteger();
    ArchiveFixture[] self = new ArchiveFixture[1];
    ArchiveFixture f = fixture("zstd", real -> new PgDelegate(real) {
      @Override
      public ExportResult exportPartition(ExportInput in) {
        int attempt = attempts.incrementAndGet();
        if (attempt == 1) {
          self[0].stack.s3().stop();
        } else if (attempt == 3) {
          self[0].stack.s3().start();
        }
        return super.exportPartition(in);
      }
    }, UnaryOperator.identity());
    self[0] = f;
    String p = ArchiveTables.month(f, "events", 2020, 8, 3000);

    ArchivePartitionResult result = archiveAndDecide(f, input(p), null);

    assertThat(attempts.get()).isEqualTo(3);
    assertThat(result.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(result.dropped()).isTrue();
    assertThat(result.archiveUri()).endsWith("/data.csv.zst");
    assertThat(result.report().approvals()).anySatisfy(a -> assertThat(a.decision()).isEqualTo("PRE_APPROVED"));
    assertThat(f.exists(p)).isFalse();

    // zstd archives restore too.
    RestorePartitionWorkflow restore = f.client.newWorkflowStub(RestorePartitionWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.CENTRAL).setWorkflowId("restore-zstd").build());
    RestorePartitionResult restored = restore.run(new RestorePartitionInput("test", ArchiveFixture.DB, result.manifestKey(),
        null, true, false, null, null));
    assertThat(restored.rows()).isEqualTo(3000);
    assertThat(f.parentOf(p)).isEqualTo("arch.events");
  }

  @Test
  void storeDownPastTheRetryBudgetFailsTheRunWithThePartitionReattachedAndIntact() {
    AtomicInteger attempts = new AtomicInteger();
    ArchiveFixture[] self = new ArchiveFixture[1];
    ArchiveFixture f = fixture("gzip", real -> new PgDelegate(real) {
      @Override
      public ExportResult exportPartition(ExportInput in) {
        attempts.incrementAndGet();
        self[0].stack.s3().stop();
        return super.exportPartition(in);
      }
    }, UnaryOperator.identity());
    self[0] = f;
    String p = ArchiveTables.month(f, "events", 2020, 9, 900);

    assertThatThrownBy(() -> archiveAndDecide(f, input(p), null)).isInstanceOf(WorkflowException.class);

    assertThat(attempts.get()).isEqualTo(5);
    assertThat(f.parentOf(p)).isEqualTo("arch.events");
    assertThat(f.count("SELECT count(*) FROM " + p)).isEqualTo(900);
  }

  @Test
  void staleMultipartUploadOfACrashedAttemptIsAbortedAndNeverTakenForAnArchive() {
    String[] key = new String[1];
    ArchiveFixture[] self = new ArchiveFixture[1];
    ArchiveFixture f = fixture("gzip", real -> new PgDelegate(real) {
      @Override
      public ExportResult exportPartition(ExportInput in) {
        // A crashed attempt of this run left half an upload on the run's own key.
        key[0] = ArchiveFixture.folder("events", "events_2020_10") + "run-" + in.runId() + "/data.csv.gz";
        try (S3Client c = self[0].s3.client()) {
          String stale = c.createMultipartUpload(b -> b.bucket(self[0].s3.bucket()).key(key[0])).uploadId();
          c.uploadPart(b -> b.bucket(self[0].s3.bucket()).key(key[0]).uploadId(stale).partNumber(1),
              RequestBody.fromString("half"));
        }
        return super.exportPartition(in);
      }
    }, UnaryOperator.identity());
    self[0] = f;
    String p = ArchiveTables.month(f, "events", 2020, 10, 100);

    ArchivePartitionResult result = archiveAndDecide(f, new ArchivePartitionInput("test", ArchiveFixture.DB, p, false,
        false, null, false, null, null), null);

    assertThat(result.report().steps()).anySatisfy(s -> assertThat(s.detail()).contains("aborted 1 stale multipart upload"));
    try (S3Client c = f.s3.client()) {
      assertThat(c.listMultipartUploads(b -> b.bucket(f.s3.bucket()).prefix(key[0])).uploads()).isEmpty();
    }
    ArchiveManifest m = new io.pgrunbooks.activities.s3.S3ActivitiesImpl(f.s3).readManifest(new ReadManifestInput(result.manifestKey()));
    assertThat(m.rows()).isEqualTo(100);
  }

  /** Overwrites the uploaded object with one byte flipped: same size, different content. */
  private void corrupt(ExportResult e) {
    try (S3Client c = f.s3.client()) {
      byte[] body = c.getObjectAsBytes(b -> b.bucket(e.bucket()).key(e.dataKey())).asByteArray();
      body[body.length / 2] ^= 0x5a;
      c.putObject(b -> b.bucket(e.bucket()).key(e.dataKey()), RequestBody.fromBytes(body));
    }
  }

  /** Passes every call to the real activities; tests override one method to interfere. */
  static class PgDelegate implements PostgresArchiveActivities {
    private final PostgresArchiveActivities real;

    PgDelegate(PostgresArchiveActivities real) {
      this.real = real;
    }

    @Override
    public ArchivePreflightFacts inspectPartition(InspectPartitionInput input) {
      return real.inspectPartition(input);
    }

    @Override
    public DetachResult detachPartition(PartitionRef ref) {
      return real.detachPartition(ref);
    }

    @Override
    public void attachPartition(AttachInput input) {
      real.attachPartition(input);
    }

    @Override
    public void attachRestored(AttachInput input) {
      real.attachRestored(input);
    }

    @Override
    public ExportResult exportPartition(ExportInput input) {
      return real.exportPartition(input);
    }

    @Override
    public DropPartitionResult dropPartition(DropPartitionInput input) {
      return real.dropPartition(input);
    }

    @Override
    public RestoreTableResult restoreTable(RestoreTableInput input) {
      return real.restoreTable(input);
    }
  }

  static class S3Delegate implements S3Activities {
    private final S3Activities real;

    S3Delegate(S3Activities real) {
      this.real = real;
    }

    @Override
    public VerifyArchiveResult verifyArchive(VerifyArchiveInput input) {
      return real.verifyArchive(input);
    }

    @Override
    public void writeManifest(WriteManifestInput input) {
      real.writeManifest(input);
    }

    @Override
    public ArchiveManifest readManifest(ReadManifestInput input) {
      return real.readManifest(input);
    }

    @Override
    public java.util.List<io.pgrunbooks.workflows.activities.ArchiveEntry> listArchives(
        io.pgrunbooks.workflows.activities.ListArchivesInput input) {
      return real.listArchives(input);
    }
  }
}
