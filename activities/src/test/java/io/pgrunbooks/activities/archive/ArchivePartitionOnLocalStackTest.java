package io.pgrunbooks.activities.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrunbooks.workflows.activities.ArchiveManifest;
import io.pgrunbooks.workflows.activities.ReadManifestInput;
import io.pgrunbooks.activities.s3.S3ActivitiesImpl;
import io.pgrunbooks.workflows.approval.ApprovalSignal;
import io.pgrunbooks.workflows.archivepartition.ArchivePartitionInput;
import io.pgrunbooks.workflows.archivepartition.ArchivePartitionResult;
import io.pgrunbooks.workflows.archivepartition.ArchivePartitionWorkflow;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.common.WorkflowIds;
import io.pgrunbooks.workflows.restorepartition.RestorePartitionInput;
import io.pgrunbooks.workflows.restorepartition.RestorePartitionResult;
import io.pgrunbooks.workflows.restorepartition.RestorePartitionWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** ArchivePartition and RestorePartition with real activities on the shared stack's PostgreSQL and S3 store. */
class ArchivePartitionOnLocalStackTest {
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

  static ArchivePartitionWorkflow archive(ArchiveFixture f, String partition) {
    return f.client.newWorkflowStub(ArchivePartitionWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.CENTRAL).setWorkflowId(WorkflowIds.archivePartition("test", ArchiveFixture.DB, partition))
        .build());
  }

  static ArchivePartitionResult archiveAndDecide(ArchiveFixture f, ArchivePartitionInput in, Boolean approve) {
    ArchivePartitionWorkflow wf = archive(f, in.partition());
    WorkflowClient.start(wf::run, in);
    if (approve != null) {
      awaitPendingApproval(wf);
      ApprovalSignal vote = new ApprovalSignal(null, "alice", approve ? "archive verified" : "not now", null);
      if (approve) {
        wf.approve(vote);
      } else {
        wf.reject(vote);
      }
    }
    return io.temporal.client.WorkflowStub.fromTyped(wf).getResult(ArchivePartitionResult.class);
  }

  static void awaitPendingApproval(ArchivePartitionWorkflow wf) {
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (wf.progress().pendingApprovals().isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no approval was asked: " + wf.progress());
      }
      sleep(100);
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  static ArchivePartitionInput input(String partition) {
    return ArchivePartitionInput.of("test", ArchiveFixture.DB, partition);
  }

  @Test
  void archivedVerifiedApprovedPartitionIsDroppedAndRestoresWithoutDifference() {
    ArchiveFixture f = fixture();
    String p = "arch.typed_2020_01";
    f.sql("DROP TABLE IF EXISTS " + p, "DROP TABLE IF EXISTS arch.typed_copy",
        "CREATE TABLE " + p + " PARTITION OF arch.typed FOR VALUES FROM ('2020-01-01') TO ('2020-02-01')",
        """
        INSERT INTO arch.typed VALUES
         (1, '2020-01-05 10:00:00.123456+00', 12345678901234.123456, 'a,b "quoted" and
        newline', true, '{"k": [1, "x,y"], "n": null}', '\\x00ff10'::bytea, ARRAY['a,b', 'c"d', NULL, ''], ARRAY[1, NULL, 3],
         '2020-01-05', '2020-01-05 01:02:03.456'),
         (2, '2020-01-06', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
         (3, '2020-01-07', -0.000001, '', false, '"str"', ''::bytea, '{}', '{}', 'infinity', '-infinity'),
         (4, '2020-01-08', 0, 'back\\slash \\N NULL "" ,,', true, '[]', '\\x5c4e'::bytea, ARRAY['\\N'], ARRAY[-1],
         '2020-01-08', '2020-01-08 00:00'),
         (5, '2020-01-09', 1e-6, E'tab\\there\\r\\ncrlf ünïcödé ✓', null, '{"a": "b\\"c"}', '\\x0a0d22'::bytea,
         ARRAY['multi\nline'], NULL, NULL, NULL)
        """,
        "INSERT INTO arch.typed SELECT g, timestamptz '2020-01-10' + g * interval '1 second', g * 1.5, 'n' || g, g % 2 = 0,"
            + " jsonb_build_object('g', g), int8send(g), ARRAY['t' || g], ARRAY[g], date '2020-01-10', timestamp '2020-01-10'"
            + " FROM generate_series(10, 5009) g",
        "CREATE TABLE arch.typed_copy AS SELECT * FROM " + p);

    ArchivePartitionResult result = archiveAndDecide(f, input(p), true);

    assertThat(result.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(result.dropped()).isTrue();
    assertThat(result.rows()).isEqualTo(5005);
    assertThat(f.exists(p)).isFalse();
    String folder = ArchiveFixture.folder("typed", "typed_2020_01");
    // Each run its own folder: the partition folder, then run-<run id>.
    assertThat(result.archiveUri()).startsWith("s3://" + f.s3.bucket() + "/" + folder + "run-").endsWith("/data.csv.gz");
    assertThat(f.objects()).filteredOn(o -> o.startsWith(folder)).hasSize(2);
    assertThat(result.report().steps()).extracting(s -> s.name()).containsSubsequence("preflight", "detach", "export",
        "verify", "write manifest", "drop");
    assertThat(result.report().approvals()).anySatisfy(a -> assertThat(a.approver()).isEqualTo("alice"));
    ArchiveManifest m = new S3ActivitiesImpl(f.s3).readManifest(new ReadManifestInput(result.manifestKey()));
    assertThat(m.rows()).isEqualTo(5005);
    assertThat(m.boundSpec()).contains("2020-01-01");
    assertThat(m.columns()).hasSize(11);
    assertThat(m.parentDdl()).startsWith("CREATE TABLE \"arch\".\"typed\"").contains("PARTITION BY RANGE (ts)");

    RestorePartitionWorkflow restore = f.client.newWorkflowStub(RestorePartitionWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.CENTRAL).setWorkflowId(WorkflowIds.restorePartition("test", ArchiveFixture.DB, p)).build());
    RestorePartitionResult restored = restore.run(new RestorePartitionInput("test", ArchiveFixture.DB, result.manifestKey(),
        null, true, false, null, "round trip test"));

    assertThat(restored.rows()).isEqualTo(5005);
    assertThat(restored.attached()).isTrue();
    assertThat(f.parentOf(p)).isEqualTo("arch.typed");
    assertThat(f.count("SELECT count(*) FROM (SELECT * FROM " + p + " EXCEPT ALL SELECT * FROM arch.typed_copy) d")).isZero();
    assertThat(f.count("SELECT count(*) FROM (SELECT * FROM arch.typed_copy EXCEPT ALL SELECT * FROM " + p + ") d")).isZero();

    // A second restore into the same name is refused: the target exists.
    RestorePartitionWorkflow again = f.client.newWorkflowStub(RestorePartitionWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.CENTRAL).setWorkflowId("restore-again").build());
    assertThatThrownBy(() -> again.run(RestorePartitionInput.of("test", ArchiveFixture.DB, result.manifestKey())))
        .isInstanceOf(WorkflowFailedException.class)
        .satisfies(e -> assertThat(cause(e).getOriginalMessage()).contains("already exists"));
  }

  @Test
  void restoreAsNewTableThenAttachIsRefusedWhenBoundsOverlap() {
    ArchiveFixture f = fixture();
    String p = ArchiveTables.month(f, "events", 2020, 2, 300);
    ArchivePartitionResult archived = archiveAndDecide(f, new ArchivePartitionInput("test", ArchiveFixture.DB, p, false,
        false, null, false, null, null), null);
    assertThat(archived.dropped()).isFalse();
    assertThat(f.parentOf(p)).isEqualTo("arch.events");

    RestorePartitionWorkflow restore = f.client.newWorkflowStub(RestorePartitionWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.CENTRAL).setWorkflowId("restore-overlap").build());
    f.sql("DROP TABLE IF EXISTS arch.events_2020_02_back");
    assertThatThrownBy(() -> restore.run(new RestorePartitionInput("test", ArchiveFixture.DB, archived.manifestKey(),
        "arch.events_2020_02_back", true, false, null, null)))
        .isInstanceOf(WorkflowFailedException.class)
        .satisfies(e -> assertThat(cause(e).getOriginalMessage()).contains("cannot attach").contains("overlap"));
    assertThat(f.count("SELECT count(*) FROM arch.events_2020_02_back")).isEqualTo(300);
    assertThat(f.parentOf("arch.events_2020_02_back")).isNull();
  }

  @Test
  void rejectionReattachesThePartitionAndKeepsTheArchive() {
    ArchiveFixture f = fixture();
    String p = ArchiveTables.month(f, "events", 2020, 3, 500);

    ArchivePartitionResult result = archiveAndDecide(f, input(p), false);

    assertThat(result.report().outcome()).isEqualTo(RunbookState.REJECTED);
    assertThat(result.dropped()).isFalse();
    assertThat(f.parentOf(p)).isEqualTo("arch.events");
    assertThat(f.count("SELECT count(*) FROM " + p)).isEqualTo(500);
    assertThat(result.report().summary()).contains("rejected by alice").contains("attached again").contains(result.archiveUri());
    assertThat(f.objects()).anyMatch(o -> o.startsWith(ArchiveFixture.folder("events", "events_2020_03") + "run-")
        && o.contains("/manifest.json"));
  }

  @Test
  void approvalTimeoutReattachesThePartition() {
    ArchiveFixture f = fixture();
    String p = ArchiveTables.month(f, "events", 2020, 4, 50);

    ArchivePartitionResult result = archiveAndDecide(f, input(p), null);

    assertThat(result.report().outcome()).isEqualTo(RunbookState.TIMED_OUT);
    assertThat(f.parentOf(p)).isEqualTo("arch.events");
    assertThat(f.count("SELECT count(*) FROM " + p)).isEqualTo(50);
  }

  @Test
  void dryRunChangesNothingInCatalogOrBucket() {
    ArchiveFixture f = fixture();
    String p = ArchiveTables.month(f, "events", 2020, 5, 20);
    List<String> before = f.objects();
    String catalog = f.string("SELECT string_agg(inhrelid::regclass || '>' || inhparent::regclass, ',' ORDER BY 1)"
        + " FROM pg_inherits");

    ArchivePartitionResult result = archiveAndDecide(f, new ArchivePartitionInput("test", ArchiveFixture.DB, p, null,
        false, null, true, null, null), null);

    assertThat(result.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(result.report().dryRun()).isTrue();
    assertThat(result.report().plan()).anyMatch(s -> s.contains("DETACH PARTITION " + p))
        .anyMatch(s -> s.contains("DROP TABLE " + p));
    assertThat(result.report().changes()).isEmpty();
    assertThat(f.objects()).isEqualTo(before);
    assertThat(f.string("SELECT string_agg(inhrelid::regclass || '>' || inhparent::regclass, ',' ORDER BY 1)"
        + " FROM pg_inherits")).isEqualTo(catalog);
  }

  @Test
  void badNamesAndUnsafeTargetsFailFastWithoutChanges() {
    ArchiveFixture f = fixture();
    String future = ArchiveTables.month(f, "events", 2099, 1, 0);
    java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
    String current = ArchiveTables.month(f, "events", today.getYear(), today.getMonthValue(), 0);
    String recent = ArchiveTables.month(f, "events", today.minusMonths(1).getYear(), today.minusMonths(1).getMonthValue(), 0);
    String floor = ArchiveTables.month(f, "floor", 2021, 1, 0);
    String kept = ArchiveTables.month(f, "kept", 2020, 1, 0);
    // Named like a long-expired month, bounded in 2098: expiry comes from the catalog's bounds, not the name.
    f.sql("DROP TABLE IF EXISTS arch.events_2020_11",
        "CREATE TABLE arch.events_2020_11 PARTITION OF arch.events FOR VALUES FROM ('2098-01-01') TO ('2098-02-01')");
    List<String> before = f.objects();

    expectRefusal(f, input("arch.events_2020_01; DROP TABLE arch.plain"), FailureTypes.BAD_INPUT, "must be schema.name");
    expectRefusal(f, input("arch.\"x\""), FailureTypes.BAD_INPUT, "must be schema.name");
    expectRefusal(f, input("arch.no_such_table"), FailureTypes.BAD_INPUT, "no table arch.no_such_table");
    expectRefusal(f, input("arch.plain"), FailureTypes.BAD_INPUT, "is not a partition");
    expectRefusal(f, input("arch.events"), FailureTypes.BAD_INPUT, "itself partitioned");
    expectRefusal(f, input("arch.unconfigured_2020_01"), FailureTypes.BAD_INPUT, "no partition policy");
    expectRefusal(f, input("arch.events_d_default"), FailureTypes.SAFETY_REFUSED, "default partition");
    expectRefusal(f, input(future), FailureTypes.SAFETY_REFUSED, "current or a future");
    expectRefusal(f, input(current), FailureTypes.SAFETY_REFUSED, "current or a future");
    expectRefusal(f, input("arch.events_2020_11"), FailureTypes.SAFETY_REFUSED, "current or a future");
    expectRefusal(f, input(recent), FailureTypes.SAFETY_REFUSED, "compliance floor");
    expectRefusal(f, new ArchivePartitionInput("test", ArchiveFixture.DB, floor, null, true, null, false, null,
        "need the space"), FailureTypes.SAFETY_REFUSED, "not even force");
    expectRefusal(f, input(kept), FailureTypes.SAFETY_REFUSED, "kept forever");
    expectRefusal(f, new ArchivePartitionInput("test", ArchiveFixture.DB, kept, null, true, null, false, null, " "),
        FailureTypes.SAFETY_REFUSED, "force needs a reason");
    expectRefusal(f, new ArchivePartitionInput("nope", ArchiveFixture.DB, kept, null, false, null, false, null, null),
        FailureTypes.BAD_INPUT, "unknown cluster 'nope'");

    assertThat(f.objects()).isEqualTo(before);
    assertThat(f.parentOf(current)).isEqualTo("arch.events");
    assertThat(f.parentOf("arch.events_2020_11")).isEqualTo("arch.events");
    f.sql("DROP TABLE arch.events_2020_11");
    assertThat(f.parentOf("arch.unconfigured_2020_01")).isEqualTo("arch.unconfigured");
    assertThat(f.exists("arch.plain")).isTrue();
  }

  private static void expectRefusal(ArchiveFixture f, ArchivePartitionInput in, String type, String words) {
    ArchivePartitionWorkflow wf = f.client.newWorkflowStub(ArchivePartitionWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.CENTRAL).setWorkflowId("refusal-" + System.nanoTime()).build());
    assertThatThrownBy(() -> wf.run(in)).isInstanceOf(WorkflowFailedException.class)
        .satisfies(e -> {
          ApplicationFailure c = cause(e);
          assertThat(c.getType()).as(in.partition()).isEqualTo(type);
          assertThat(c.isNonRetryable()).isTrue();
          assertThat(c.getOriginalMessage()).contains(words);
        });
  }

  static ApplicationFailure cause(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof ApplicationFailure a) {
        return a;
      }
    }
    throw new AssertionError("no application failure in " + e, e);
  }
}
