package io.pgrunbooks.workflows.archivepartition;

import static io.pgrunbooks.workflows.archivepartition.ArchiveFakes.PARENT;
import static io.pgrunbooks.workflows.archivepartition.ArchiveFakes.PARTITION;
import static io.pgrunbooks.workflows.replay.TestEnvironments.assertApplicationFailure;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.workflows.activities.ApprovalPolicy.PreApproval;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.RunReport;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.StepRecord;
import io.pgrunbooks.workflows.replay.TestEnvironments;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** ArchivePartition's decisions with mocked activities (DESIGN.md section 5, layer 1): every branch. */
class ArchivePartitionWorkflowTest {
  private static final String DETACH = "detach " + PARTITION + " from " + PARENT;
  private static final String EXPORT = "export " + PARTITION;
  private static final String VERIFY = "verify s3://archive/" + ArchiveFakes.DATA_KEY + " deep";
  private static final String MANIFEST = "manifest " + ArchiveFakes.MANIFEST_KEY;

  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private final ArchiveFakes fakes = new ArchiveFakes();

  @BeforeEach
  void setUp() {
    env = TestEnvironments.newEnvironment();
    client = ArchiveTestRuns.start(env, fakes);
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void approvedDropArchivesVerifiesWritesTheManifestThenDrops() {
    ArchivePartitionWorkflow run = ArchiveTestRuns.archive(client);
    CompletableFuture<ArchivePartitionResult> result = execute(run, input(true, false));
    ArchiveTestRuns.approve(run);

    ArchivePartitionResult r = result.join();
    assertThat(r.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(r.dropped()).isTrue();
    assertThat(r.reattached()).isFalse();
    assertThat(r.rows()).isEqualTo(ArchiveFakes.ROWS);
    assertThat(r.archiveUri()).isEqualTo("s3://archive/" + ArchiveFakes.DATA_KEY);
    assertThat(r.manifestKey()).isEqualTo(ArchiveFakes.MANIFEST_KEY);
    assertThat(fakes.calls).containsExactly(DETACH, EXPORT, VERIFY, MANIFEST, "drop " + PARTITION);
    assertThat(r.report().approvals()).anySatisfy(a -> assertThat(a.approver()).isEqualTo("alice"));
    assertThat(r.report().target()).isEqualTo(PARENT);
    // The manifest carries what a restore needs: original bounds, columns, counts and both hashes.
    var m = fakes.manifests.get(ArchiveFakes.MANIFEST_KEY);
    assertThat(m.boundSpec()).isEqualTo(ArchiveFakes.BOUNDS);
    assertThat(m.rows()).isEqualTo(ArchiveFakes.ROWS);
    assertThat(m.columns()).hasSize(3);
    assertThat(m.verification()).startsWith("deep-verified");
  }

  @Test
  void approvalCarriesTheArchiveEvidence() {
    ArchivePartitionWorkflow run = ArchiveTestRuns.archive(client);
    CompletableFuture<ArchivePartitionResult> result = execute(run, input(true, false));
    TestEnvironments.awaitPendingApproval(run);

    var pending = run.progress().pendingApprovals().get(0);
    assertThat(pending.action()).isEqualTo("drop partition " + PARTITION + " (archived to s3://archive/"
        + ArchiveFakes.DATA_KEY + ")");
    assertThat(pending.evidence()).containsEntry("rows", "1200").containsEntry("SHA-256 of the CSV", "aa".repeat(32))
        .containsEntry("SHA-256 of the object", "bb".repeat(32)).containsKey("verification");
    ArchiveTestRuns.approve(run);
    assertThat(result.join().dropped()).isTrue();
  }

  @Test
  void dropFalseArchivesAndReattachesWithoutAskingForApproval() {
    ArchivePartitionResult r = ArchiveTestRuns.archive(client).run(input(false, false));

    assertThat(r.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(r.dropped()).isFalse();
    assertThat(r.reattached()).isTrue();
    assertThat(r.report().approvals()).isEmpty();
    assertThat(fakes.calls).containsExactly(DETACH, EXPORT, VERIFY, MANIFEST, ArchiveFakes.attachOriginal());
    assertThat(r.report().summary()).contains("drop=false, so it was attached again");
  }

  @Test
  void dryRunPlansEveryStepAndChangesNothing() {
    ArchivePartitionResult r = ArchiveTestRuns.archive(client).run(input(true, true));

    RunReport report = r.report();
    assertThat(report.outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(report.dryRun()).isTrue();
    assertThat(fakes.calls).isEmpty();
    assertThat(report.approvals()).isEmpty();
    assertThat(report.plan()).hasSize(5);
    assertThat(report.plan().get(0)).isEqualTo("ALTER TABLE " + PARENT + " DETACH PARTITION " + PARTITION + " CONCURRENTLY");
    assertThat(report.plan().get(1)).contains("COPY (SELECT * FROM " + PARTITION + ")").contains("data.csv.gz");
    assertThat(report.plan().get(3)).isEqualTo("approval " + ArchivePartitionWorkflowImpl.DROP_STEP + " on " + PARENT);
    assertThat(report.plan().get(4)).contains("SHA-256 of its CSV (must equal the archive's); DROP TABLE " + PARTITION);
    assertThat(r.archiveUri()).isNull();
    assertThat(r.dropped()).isFalse();
  }

  @Test
  void rejectionReattachesAndKeepsTheVerifiedArchive() {
    ArchivePartitionWorkflow run = ArchiveTestRuns.archive(client);
    CompletableFuture<ArchivePartitionResult> result = execute(run, input(true, false));
    ArchiveTestRuns.reject(run);

    ArchivePartitionResult r = result.join();
    assertThat(r.report().outcome()).isEqualTo(RunbookState.REJECTED);
    assertThat(r.dropped()).isFalse();
    assertThat(r.reattached()).isTrue();
    assertThat(fakes.calls).containsExactly(DETACH, EXPORT, VERIFY, MANIFEST, ArchiveFakes.attachOriginal());
    assertThat(r.report().summary()).contains("rejected by bob: keep it until the audit")
        .contains("was attached again").contains("the verified archive stays at s3://archive/" + ArchiveFakes.DATA_KEY);
  }

  @Test
  void approvalTimeoutReattaches() {
    fakes.approvals.timeoutSeconds = 3600;
    // Time skips while the client waits for the result: the hour passes at once.
    ArchivePartitionResult r = ArchiveTestRuns.archive(client).run(input(true, false));

    assertThat(r.report().outcome()).isEqualTo(RunbookState.TIMED_OUT);
    assertThat(r.dropped()).isFalse();
    assertThat(fakes.calls).containsExactly(DETACH, EXPORT, VERIFY, MANIFEST, ArchiveFakes.attachOriginal());
    assertThat(r.report().summary()).contains("timed out").contains("was attached again");
  }

  @Test
  void preApprovalByConfigDropsWithoutWaitingAndTheReportSaysSo() {
    fakes.approvals.preApprovals = List.of(new PreApproval(ArchivePartitionWorkflowImpl.DROP_STEP, PARENT,
        "approvals.preApprovals[0]"));
    ArchivePartitionResult r = ArchiveTestRuns.archive(client).run(input(true, false));

    assertThat(r.dropped()).isTrue();
    assertThat(fakes.calls).containsExactly(DETACH, EXPORT, VERIFY, MANIFEST, "drop " + PARTITION);
    assertThat(r.report().approvals()).singleElement().satisfies(a -> {
      assertThat(a.approver()).isEqualTo("config");
      assertThat(a.comment()).isEqualTo("pre-approved by config approvals.preApprovals[0]");
    });
  }

  @Test
  void preApprovalOfAnotherTableDoesNotCount() {
    fakes.approvals.preApprovals = List.of(new PreApproval(ArchivePartitionWorkflowImpl.DROP_STEP, "public.orders",
        "approvals.preApprovals[0]"));
    ArchivePartitionWorkflow run = ArchiveTestRuns.archive(client);
    CompletableFuture<ArchivePartitionResult> result = execute(run, input(true, false));
    ArchiveTestRuns.reject(run);

    assertThat(result.join().dropped()).isFalse();
  }

  @Test
  void verifyMismatchReattachesDropsNothingAndSaysWhy() {
    fakes.verifyMismatch = true;

    assertApplicationFailure(() -> ArchiveTestRuns.archive(client).run(input(true, false)), FailureTypes.SAFETY_REFUSED,
        "failed verification: SHA-256 of the object is " + "dd".repeat(32));
    assertThat(fakes.calls).containsExactly(DETACH, EXPORT, VERIFY, ArchiveFakes.attachOriginal());
    assertThat(fakes.manifests).isEmpty();
  }

  @Test
  void dropRefusedByTheRecountReattaches() {
    fakes.recount = ArchiveFakes.ROWS + 3;
    ArchivePartitionWorkflow run = ArchiveTestRuns.archive(client);
    CompletableFuture<ArchivePartitionResult> result = execute(run, input(true, false));
    ArchiveTestRuns.approve(run);

    assertApplicationFailure(result::join, FailureTypes.SAFETY_REFUSED, "holds 1203 rows but the archive has 1200");
    assertThat(fakes.calls).containsExactly(DETACH, EXPORT, VERIFY, MANIFEST, "drop refused " + PARTITION,
        ArchiveFakes.attachOriginal());
  }

  @Test
  void storeDownPastTheRetryBudgetFailsWithThePartitionReattached() {
    fakes.storeDown = true;

    assertApplicationFailure(() -> ArchiveTestRuns.archive(client).run(input(true, false)), "SdkClientException", "Connection refused");
    // Five attempts (ArchiveActivityOptions.STREAM), then the compensation.
    assertThat(fakes.calls).containsExactly(DETACH, EXPORT, EXPORT, EXPORT, EXPORT, EXPORT, ArchiveFakes.attachOriginal());
    assertThat(ArchiveTestRuns.existingArchive(client).progress().steps()).anySatisfy(s -> {
      assertThat(s.name()).isEqualTo("re-attach");
      assertThat(s.status()).isEqualTo(StepRecord.DONE);
      assertThat(s.detail()).isEqualTo("attached " + PARTITION + " " + ArchiveFakes.BOUNDS);
    });
  }

  @Test
  void failedReattachSaysHowToAttachByHand() {
    fakes.verifyMismatch = true;
    fakes.attachFails = true;

    assertApplicationFailure(() -> ArchiveTestRuns.archive(client).run(input(true, false)), FailureTypes.SAFETY_REFUSED,
        "failed verification");
    assertThat(ArchiveTestRuns.existingArchive(client).progress().log()).anyMatch(l -> l.contains("re-attaching " + PARTITION
        + " FAILED") && l.contains("ALTER TABLE " + PARENT + " ATTACH PARTITION " + PARTITION + " " + ArchiveFakes.BOUNDS));
  }

  @Test
  void missingPartitionNameIsBadInputBeforeAnything() {
    assertApplicationFailure(() -> ArchiveTestRuns.archive(client).run(ArchivePartitionInput.of("main", "app", " ")),
        FailureTypes.BAD_INPUT, "ArchivePartition needs cluster, database and partition");
    assertThat(fakes.calls).isEmpty();
  }

  @Test
  void unknownPartitionIsBadInputBeforeAnything() {
    assertApplicationFailure(() -> ArchiveTestRuns.archive(client).run(ArchivePartitionInput.of("main", "app", "public.nope")),
        FailureTypes.BAD_INPUT, "no table public.nope");
    assertThat(fakes.calls).isEmpty();
  }

  @Test
  void partitionNotExpiredIsRefusedUnlessForcedWithAReason() {
    fakes.upperBound = ArchiveFakes.NOW.minusSeconds(40L * 86400);
    assertApplicationFailure(() -> ArchiveTestRuns.archive(client).run(input(true, false)), FailureTypes.SAFETY_REFUSED,
        "has not expired under retention 90 days");
    assertThat(fakes.calls).isEmpty();
  }

  @Test
  void forceNeverReachesInsideMinRetention() {
    fakes.upperBound = ArchiveFakes.NOW.minusSeconds(10L * 86400);
    var forced = new ArchivePartitionInput("main", "app", PARTITION, null, true, null, false, "alice", "disk full");
    assertApplicationFailure(() -> ArchiveTestRuns.archive(client).run(forced), FailureTypes.SAFETY_REFUSED,
        "not even force may archive it");
    assertThat(fakes.calls).isEmpty();
  }

  @Test
  void noArchiveBucketIsAConfigErrorBeforeTheDetach() {
    fakes.bucket = null;
    assertApplicationFailure(() -> ArchiveTestRuns.archive(client).run(input(true, false)), FailureTypes.CONFIG,
        "no archive bucket is configured");
    assertThat(fakes.calls).isEmpty();
  }

  /** The ways a run can end without an approved drop after the freeze DETACH. */
  enum NoDrop {
    DROP_FALSE(f -> { }, false, false),
    REJECTED(f -> { }, true, false),
    TIMED_OUT(f -> f.approvals.timeoutSeconds = 60, false, false),
    VERIFY_MISMATCH(f -> f.verifyMismatch = true, false, true),
    RECOUNT_DIFFERS(f -> f.recount = ArchiveFakes.ROWS - 1, true, true),
    STORE_DOWN(f -> f.storeDown = true, false, true);

    final Consumer<ArchiveFakes> setUp;
    final boolean decided;
    final boolean fails;

    NoDrop(Consumer<ArchiveFakes> setUp, boolean decided, boolean fails) {
      this.setUp = setUp;
      this.decided = decided;
      this.fails = fails;
    }
  }

  /**
   * The freeze DETACH is not separately approved (README, contract notes): it is undone on every path
   * that does not end in an approved drop. The last catalog change is the attach with the original bounds.
   */
  @ParameterizedTest(name = "{0}")
  @EnumSource(NoDrop.class)
  void everyPathWithoutAnApprovedDropReattachesWithTheOriginalBounds(NoDrop path) {
    path.setUp.accept(fakes);
    ArchivePartitionWorkflow run = ArchiveTestRuns.archive(client);
    CompletableFuture<ArchivePartitionResult> result = execute(run, input(path != NoDrop.DROP_FALSE, false));
    if (path == NoDrop.REJECTED) {
      ArchiveTestRuns.reject(run);
    } else if (path.decided) {
      ArchiveTestRuns.approve(run);
    }
    try {
      ArchivePartitionResult r = result.join();
      assertThat(path.fails).as("%s ends without failure", path).isFalse();
      assertThat(r.dropped()).isFalse();
      assertThat(r.reattached()).isTrue();
    } catch (RuntimeException e) {
      assertThat(path.fails).as("%s fails: %s", path, e).isTrue();
    }

    List<String> changes = fakes.catalogChanges();
    assertThat(changes.get(0)).isEqualTo(DETACH);
    assertThat(changes.get(changes.size() - 1)).isEqualTo(ArchiveFakes.attachOriginal());
    assertThat(changes).noneMatch(c -> c.equals("drop " + PARTITION));
  }

  private static CompletableFuture<ArchivePartitionResult> execute(ArchivePartitionWorkflow run, ArchivePartitionInput in) {
    return WorkflowClient.execute(run::run, in);
  }

  @Test
  void shallowVerifiedArchiveIsNeverDroppedAndThePartitionIsAttachedAgain() {
    ArchivePartitionResult r = ArchiveTestRuns.archive(client).run(new ArchivePartitionInput("main", "app", PARTITION, true,
        false, false, false, "partition-maintenance", "monthly archive"));

    assertThat(r.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(r.dropped()).isFalse();
    assertThat(r.reattached()).isTrue();
    assertThat(fakes.calls).containsExactly(DETACH, EXPORT, "verify s3://archive/" + ArchiveFakes.DATA_KEY, MANIFEST,
        ArchiveFakes.attachOriginal());
    assertThat(r.report().approvals()).isEmpty();
    assertThat(r.report().summary()).contains("deepVerify=false").contains("attached again");
  }

  @Test
  void dropIsGivenTheArchivesContentHashToProve() {
    ArchivePartitionWorkflow run = ArchiveTestRuns.archive(client);
    CompletableFuture<ArchivePartitionResult> result = execute(run, input(true, false));
    ArchiveTestRuns.approve(run);

    assertThat(result.join().dropped()).isTrue();
    assertThat(fakes.dropHashes).containsExactly("aa".repeat(32));
  }

  private static ArchivePartitionInput input(boolean drop, boolean dryRun) {
    return new ArchivePartitionInput("main", "app", PARTITION, drop, false, null, dryRun, "partition-maintenance", "monthly archive");
  }
}
