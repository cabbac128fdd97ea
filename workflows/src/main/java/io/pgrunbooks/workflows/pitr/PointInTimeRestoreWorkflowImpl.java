package io.pgrunbooks.workflows.pitr;

import io.pgrunbooks.workflows.activities.PostgresReplicationActivities;
import io.pgrunbooks.workflows.activities.PostgresReplicationActivities.Topology;
import io.pgrunbooks.workflows.activities.PostgresReplicationActivities.TopologyInput;
import io.pgrunbooks.workflows.common.ActivityStubs;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.Failures;
import io.pgrunbooks.workflows.common.Progress;
import io.pgrunbooks.workflows.common.RunRecorder;
import io.pgrunbooks.workflows.common.RunReport;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.WorkflowTypes;
import io.pgrunbooks.workflows.physicalbackup.PgBackRestBackup;
import io.pgrunbooks.workflows.physicalbackup.PgBackRestCall;
import io.pgrunbooks.workflows.restoredrill.DrillInstance;
import io.pgrunbooks.workflows.restoredrill.DrillRemoveCall;
import io.pgrunbooks.workflows.restoredrill.DrillRestoreCall;
import io.pgrunbooks.workflows.restoredrill.DrillScratchActivities;
import io.pgrunbooks.workflows.restoredrill.DrillTarget;
import io.pgrunbooks.workflows.restoredrill.RestoreDrillActivities;
import io.pgrunbooks.workflows.restoredrill.RestoreDrillRules;
import io.pgrunbooks.workflows.restoredrill.RestoreDrillStubs;
import io.pgrunbooks.workflows.runbook.RunbookWorkflowBase;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** See {@link PointInTimeRestoreWorkflow}. */
public class PointInTimeRestoreWorkflowImpl extends RunbookWorkflowBase implements PointInTimeRestoreWorkflow {
  /** Change id: {@code into: node} for a replica is carried out instead of refused. */
  static final String INTO_NODE = "pitr-into-node";
  /** Change id: {@code into: inPlace} is carried out instead of refused. */
  static final String IN_PLACE = "pitr-in-place";
  private final RestoreDrillActivities central = RestoreDrillStubs.central();
  private final PostgresReplicationActivities replication = ActivityStubs.stub(PostgresReplicationActivities.class,
      ActivityStubs.central(Duration.ofMinutes(2)).retry(ActivityStubs.retry(5, Duration.ofSeconds(1),
          Duration.ofSeconds(10))).build());
  private String releasedBy;
  /** The into: node or inPlace path once it started: what is on the node's disk. */
  private java.util.function.Supplier<String> stage;
  /** When the kept scratch instance is due for removal; 0 while none is kept. */
  private long keepUntilMillis;

  @Override
  public PointInTimeRestoreResult run(PointInTimeRestoreInput input) {
    List<String> problems = PitrRules.problems(input,
        TimeUnit.MILLISECONDS.toMicros(Workflow.currentTimeMillis()));
    // Runs started before into: inPlace was built refused it with the input checks; they must replay that way.
    if (problems.isEmpty() && PitrRules.IN_PLACE.equals(PitrRules.into(input))
        && Workflow.getVersion(IN_PLACE, Workflow.DEFAULT_VERSION, 1) == Workflow.DEFAULT_VERSION) {
      problems = List.of("into: inPlace (taking the whole cluster back to the target) is not supported yet; use "
          + "into: scratch and copy the rows back, or into: node for a replica");
    }
    if (!problems.isEmpty()) {
      throw badInput("PointInTimeRestore refused, nothing was changed: " + String.join("; ", problems));
    }
    String cluster = input.cluster().strip();
    PitrTarget target = PitrRules.target(input);
    RunRecorder run = begin(WorkflowTypes.POINT_IN_TIME_RESTORE, cluster, cluster, input);
    try {
      DrillTarget where = run.step("read target", () -> central.restoreDrillTarget(cluster, null),
          t -> "stanza " + t.stanza() + ", primary " + t.node() + " (" + t.host() + ")");
      if (PitrRules.NODE.equals(PitrRules.into(input))) {
        return intoNode(run, input, cluster, where, target);
      }
      if (PitrRules.IN_PLACE.equals(PitrRules.into(input))) {
        return inPlace(run, input, cluster, where, target);
      }
      PgBackRestBackup backup = backup(run, cluster, where, target);
      String scratch = RestoreDrillRules.scratchName(Workflow.getInfo().getWorkflowId());
      Duration keep = PitrRules.keepFor(input);
      if (input.dryRun()) {
        run.plan("on " + where.node() + ": pgbackrest --stanza=" + where.stanza() + " --set=" + backup.label()
            + " --type=" + target.type() + " --target=" + target.value() + " --target-action=promote "
            + "--archive-mode=off restore into " + scratch + ", start, verify, keep for " + keep + ", stop, delete");
        RunReport report = finish(RunbookState.COMPLETED, "dry run: would restore " + backup.label() + " of "
            + cluster + " to " + target.type() + " " + target.value() + " into scratch instance " + scratch + " on "
            + where.node());
        return new PointInTimeRestoreResult(report, where.node(), where.host(), 0, null, backup.label(),
            target.type(), target.value(), null, null, null, null);
      }
      return scratch(run, cluster, where, backup, target, scratch, keep);
    } catch (RuntimeException e) {
      fail("PointInTimeRestore of " + cluster + " failed: " + Failures.describe(e)
          + (stage == null ? "" : ". On disk: " + stage.get()));
      throw e;
    }
  }

  /** {@code pgbackrest info} and the backup that reaches the target; BadInput when none does. */
  private PgBackRestBackup backup(RunRecorder run, String cluster, DrillTarget where, PitrTarget target) {
    List<PgBackRestBackup> backups = run.step("list backups", () -> RestoreDrillStubs.pgbackrest(where)
        .pgbackrestInfo(PgBackRestCall.info(cluster)), l -> l.size() + " backups");
    try {
      return PitrRules.chooseBackup(backups, target, cluster);
    } catch (IllegalArgumentException e) {
      throw badInput(e.getMessage());
    }
  }

  /** {@code into: inPlace}: checks first (nothing changed), then {@link PitrInPlace}. */
  private PointInTimeRestoreResult inPlace(RunRecorder run, PointInTimeRestoreInput input, String cluster,
                                           DrillTarget where, PitrTarget target) {
    PgBackRestBackup backup = backup(run, cluster, where, target);
    PitrInPlace path = new PitrInPlace(run, gate(), lockInbox, replication);
    stage = path::stage;
    PitrIntoNode.Outcome done = path.run(input, cluster, where, backup, target);
    RunReport report = finish(done.state(), done.summary());
    return new PointInTimeRestoreResult(report, where.node(), done.host(), done.port(), done.dataDir(),
        backup.label(), target.type(), target.value(), done.reached(), null, null, done.oldDataDir());
  }

  /** {@code into: node}: checks first (nothing changed), then {@link PitrIntoNode}. */
  private PointInTimeRestoreResult intoNode(RunRecorder run, PointInTimeRestoreInput input, String cluster,
                                            DrillTarget where, PitrTarget target) {
    String node = input.node().strip();
    Topology topology = run.step("discover roles", () -> replication.topology(new TopologyInput(cluster, node)),
        t -> "primary " + t.primary());
    String refusal = PitrRules.nodeRefusal(topology, node);
    // Runs started before into: node was built were refused here for a replica; they must replay that way.
    if (refusal == null && Workflow.getVersion(INTO_NODE, Workflow.DEFAULT_VERSION, 1) == Workflow.DEFAULT_VERSION) {
      refusal = "into: node (replacing the data directory of " + node + ") is not supported yet; use into: scratch "
          + "and copy the rows back, then ReplicaRebuild if " + node + " needs it";
    }
    if (refusal != null) {
      throw badInput(refusal);
    }
    PgBackRestBackup backup = backup(run, cluster, where, target);
    PitrIntoNode nodePath = new PitrIntoNode(run, gate(), lockInbox, replication);
    stage = nodePath::stage;
    PitrIntoNode.Outcome done = nodePath.run(input, cluster, node, topology, where, backup, target);
    RunReport report = finish(done.state(), done.summary());
    return new PointInTimeRestoreResult(report, node, done.host(), done.port(), done.dataDir(), backup.label(),
        target.type(), target.value(), done.reached(), null, null, done.oldDataDir());
  }

  private PointInTimeRestoreResult scratch(RunRecorder run, String cluster, DrillTarget where,
                                           PgBackRestBackup backup, PitrTarget target, String scratch,
                                           Duration keep) {
    DrillScratchActivities agent = RestoreDrillStubs.agent(where);
    DrillInstance instance;
    String keptUntil;
    try {
      instance = run.step("restore", () -> agent.drillRestore(new DrillRestoreCall(cluster, scratch, backup.label(),
          target.value(), target.type())), i -> "backup " + backup.label() + " + WAL restored into " + i.dataDir()
          + ", listening on " + where.host() + ":" + i.port());
      run.change("scratch instance " + scratch + " on " + where.node() + " (" + where.host() + ":" + instance.port()
          + ", " + instance.dataDir() + ")");
      PitrIntoNode.verify(run, PitrRules.notReached(target, instance.recoveryStop()), instance.recoveryStop());
      keepUntilMillis = Workflow.currentTimeMillis() + keep.toMillis();
      keptUntil = Instant.ofEpochMilli(keepUntilMillis).toString();
      // A durable timer: the instance outlives worker restarts and is removed by this run, not by a person.
      run.step("keep " + where.host() + ":" + instance.port() + " until " + keptUntil, () -> {
        // Wakes every few minutes only so that the progress query's time left (workflow time) stays current.
        while (releasedBy == null && Workflow.currentTimeMillis() < keepUntilMillis) {
          long left = keepUntilMillis - Workflow.currentTimeMillis();
          Workflow.await(Duration.ofMillis(Math.min(left, PitrRules.PROGRESS_TICK.toMillis())),
              () -> releasedBy != null);
        }
        return releasedBy == null ? "" : releasedBy;
      }, by -> by.isEmpty() ? "keepFor " + keep + " ended" : "released by " + by);
    } finally {
      keepUntilMillis = 0;
      // Always, also when the run failed or was cancelled: the scratch instance holds a copy of the data.
      Workflow.newDetachedCancellationScope(() -> run.step("remove scratch", () -> agent.drillRemove(
          new DrillRemoveCall(cluster, scratch)), removed -> removed ? "stopped and deleted " + scratch
          : "nothing left under " + scratch)).run();
    }
    String summary = "restored " + cluster + " to " + target.type() + " " + target.value() + " from backup "
        + backup.label() + " into scratch instance " + where.host() + ":" + instance.port() + " (" + instance.dataDir()
        + "); " + instance.recoveryStop() + "; " + (releasedBy == null ? "removed after keepFor"
        : "released by " + releasedBy + " and removed");
    RunReport report = finish(RunbookState.COMPLETED, summary);
    return new PointInTimeRestoreResult(report, where.node(), where.host(), instance.port(), instance.dataDir(),
        backup.label(), target.type(), target.value(), instance.recoveryStop(), keptUntil, releasedBy, null);
  }

  @Override
  public void release(String by) {
    if (releasedBy == null) {
      releasedBy = by == null || by.isBlank() ? "someone" : by.strip();
    }
  }

  /** The recorder's progress, plus how long the scratch instance is still kept. */
  @Override
  public Progress progress() {
    Progress p = super.progress();
    if (keepUntilMillis == 0 || releasedBy != null) {
      return p;
    }
    List<String> log = new ArrayList<>(p.log());
    log.add("scratch instance kept for about another " + PitrRules.left(Workflow.currentTimeMillis(), keepUntilMillis)
        + " (until " + Instant.ofEpochMilli(keepUntilMillis) + "); signal release to remove it now");
    return new Progress(p.state(), p.currentStep(), p.steps(), p.pendingApprovals(), p.approvals(), List.copyOf(log));
  }

  private static ApplicationFailure badInput(String message) {
    return ApplicationFailure.newNonRetryableFailure(message, FailureTypes.BAD_INPUT);
  }
}
