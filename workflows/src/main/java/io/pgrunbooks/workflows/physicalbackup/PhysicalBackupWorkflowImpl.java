package io.pgrunbooks.workflows.physicalbackup;

import io.pgrunbooks.workflows.approval.ApprovalOutcome;
import io.pgrunbooks.workflows.approval.ApprovalRequest;
import io.pgrunbooks.workflows.approval.PlanDigest;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.Failures;
import io.pgrunbooks.workflows.common.RunRecorder;
import io.pgrunbooks.workflows.common.RunReport;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.WorkflowTypes;
import io.pgrunbooks.workflows.physicalbackup.PhysicalBackupRules.ExpirePlan;
import io.pgrunbooks.workflows.runbook.RunbookWorkflowBase;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** See {@link PhysicalBackupWorkflow}. */
public class PhysicalBackupWorkflowImpl extends RunbookWorkflowBase implements PhysicalBackupWorkflow {
  /** Approval step name of retention's {@code expire}; pre-approvals name it. */
  public static final String EXPIRE_STEP = "expire-backups";
  /** Version marker: restore drills' proofs ({@code pg-runbooks-drill} annotations) let an expire skip approval. */
  static final String DRILL_PROOFS = "drill-proofs";

  /** getVersion change id of the backup from a standby. */
  static final String STANDBY_CHANGE = "backup-standby";

  private final PhysicalBackupActivities central = PhysicalBackupStubs.central();

  @Override
  public PhysicalBackupResult run(PhysicalBackupInput input) {
    if (input == null || input.cluster() == null || input.cluster().isBlank()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "PhysicalBackup needs a cluster, e.g. {\"cluster\": \"main\", \"type\": \"incr\"}", FailureTypes.BAD_INPUT);
    }
    String requested = PhysicalBackupRules.requestedType(input.type());
    if (requested == null) {
      throw ApplicationFailure.newNonRetryableFailure("unknown backup type '" + input.type() + "'; use one of "
          + String.join(", ", PhysicalBackupRules.TYPES) + " (default incr)", FailureTypes.BAD_INPUT);
    }
    String cluster = input.cluster().strip();
    RunRecorder run = begin(WorkflowTypes.PHYSICAL_BACKUP, cluster, cluster, input);
    try {
      PhysicalBackupTarget target = run.step("read target", () -> central.physicalBackupTarget(cluster),
          t -> "stanza " + t.stanza() + " on " + t.node() + " (primary now); keep " + t.retentionFull()
              + " full backups, at least " + t.minFull());
      StandbyCandidate standby = standby(run, target);
      String on = standby == null ? target.node() : standby.node();
      String where = standby == null ? target.node() : standby.node() + " (standby; primary " + target.node() + ")";
      PgBackRestActivities agent = PhysicalBackupStubs.agent(target, on);
      List<PgBackRestBackup> before = run.step("list backups", () -> agent.pgbackrestInfo(PgBackRestCall.info(cluster)),
          l -> l.size() + " backups, " + l.stream().filter(PgBackRestBackup::full).count() + " full");
      // Runs recorded before drills left proofs counted every backup as unproven.
      boolean proofs = Workflow.getVersion(DRILL_PROOFS, Workflow.DEFAULT_VERSION, 1) >= 1;
      String type = PhysicalBackupRules.typeToTake(requested, before);
      if (!type.equals(requested)) {
        run.log("the repository holds no full backup: taking a full backup instead of " + requested);
      }
      if (input.dryRun()) {
        run.plan("on " + where + ": pgbackrest --stanza=" + target.stanza() + " --type=" + type
            + (standby == null ? "" : " --backup-standby") + " backup");
        ExpirePlan plan = expirePlan(before, target, proofs);
        plan.expire().forEach(l -> run.plan("pgbackrest --stanza=" + target.stanza() + " expire --set=" + l
            + (plan.needsApproval().isEmpty() ? "" : " (needs approval " + EXPIRE_STEP + ")")));
        RunReport report = finish(RunbookState.COMPLETED, "dry run: would take a " + type + " backup of " + cluster
            + " on " + where);
        return new PhysicalBackupResult(report, on, null, List.of(), standby == null ? null : standby.node());
      }
      // The run's identity as an annotation: a retried attempt recognises the backup its predecessor took.
      String runKey = Workflow.getInfo().getWorkflowId() + "/" + Workflow.getInfo().getRunId();
      PgBackRestBackup backup = run.step("backup", () -> agent.pgbackrestBackup(new PgBackRestCall(cluster, type,
          runKey, List.of(), standby == null ? null : target.node())), PhysicalBackupWorkflowImpl::describe);
      run.change("took " + describe(backup) + (standby == null ? "" : ", files copied from standby " + standby.node()));

      ApprovalOutcome[] refused = {null};
      List<String> expired = retention(run, cluster, target, agent, refused, proofs);
      String summary = backup.type() + " backup " + backup.label() + " of " + cluster + " on " + where + " ("
          + backup.size() + " bytes, " + backup.repoSize() + " in the repository, WAL " + backup.walStart() + " to "
          + backup.walStop() + ")";
      String from = standby == null ? null : standby.node();
      if (refused[0] != null) {
        return new PhysicalBackupResult(finish(refused[0].endState(), summary + "; expire " + refused[0].describe()
            + ", nothing expired"), on, backup, List.of(), from);
      }
      return new PhysicalBackupResult(finish(RunbookState.COMPLETED, summary + "; expired " + expired.size()
          + " full backups"), on, backup, expired, from);
    } catch (RuntimeException e) {
      fail("PhysicalBackup of " + cluster + " failed: " + Failures.describe(e));
      throw e;
    }
  }

  /**
   * With {@code backupStandby}: the streaming replica with the least lag, or null (and a report line) when none
   * streams. A backup from the primary is worth more than no backup, so the run falls back rather than fail.
   */
  private static StandbyCandidate standby(RunRecorder run, PhysicalBackupTarget target) {
    // Histories from before backupStandby have it false and take the same path as before.
    if (!target.backupStandby() || Workflow.getVersion(STANDBY_CHANGE, Workflow.DEFAULT_VERSION, 1) < 1) {
      return null;
    }
    StandbyCandidate chosen = PhysicalBackupRules.standby(target.replicas());
    if (chosen == null) {
      run.log("backupStandby is set but no replica is streaming from " + target.node() + " ("
          + (target.replicas().isEmpty() ? "none connected" : target.replicas().stream()
              .map(r -> r.node() + ": " + (r.state() == null ? "not connected" : r.state())).toList())
          + "): backing up from the primary " + target.node() + " instead");
    } else {
      run.log("backing up from standby " + chosen.node() + " (replay " + chosen.lagBytes() + " bytes behind "
          + target.node() + "); pgBackRest copies the replicated files from it and the rest from the primary");
    }
    return chosen;
  }

  private List<String> retention(RunRecorder run, String cluster, PhysicalBackupTarget target,
                                 PgBackRestActivities agent, ApprovalOutcome[] refused, boolean proofs) {
    ExpirePlan first = run.step("plan retention", () -> plan(cluster, target, agent, proofs),
        p -> p.empty() ? "nothing to expire" : "expire " + String.join(", ", p.expire()) + " with "
            + p.dependents().size() + " backups in all; " + p.fullsLeft() + " full backups remain");
    if (first.empty()) {
      run.skipped("expire", "nothing beyond the newest " + target.retentionFull() + " full backups");
      return List.of();
    }
    ExpirePlan[] last = {null};
    if (!first.needsApproval().isEmpty()) {
      ApprovalOutcome outcome = gate().approveUntilStable(EXPIRE_STEP, () -> {
        last[0] = last[0] == null ? first : plan(cluster, target, agent, proofs);
        return request(last[0], cluster, target);
      });
      if (!outcome.approved()) {
        run.log("expire " + outcome.describe() + "; nothing expired");
        refused[0] = outcome;
        return List.of();
      }
    }
    if (first.needsApproval().isEmpty()) {
      run.log("expire needs no approval: " + first.fullsLeft() + " full backups remain (minimum " + target.minFull()
          + ") and restore drills proved every full backup it deletes: " + String.join("; ", first.provenBy()));
    }
    List<String> labels = (last[0] == null ? first : last[0]).expire();
    List<String> expired = run.step("expire", () -> agent.pgbackrestExpire(
        new PgBackRestCall(cluster, null, null, labels)), e -> "expired " + String.join(", ", e));
    expired.forEach(l -> run.change("expired full backup " + l + " and its dependents"));
    return expired;
  }

  private static ExpirePlan plan(String cluster, PhysicalBackupTarget target, PgBackRestActivities agent,
                                 boolean proofs) {
    return expirePlan(agent.pgbackrestInfo(PgBackRestCall.info(cluster)), target, proofs);
  }

  private static ExpirePlan expirePlan(List<PgBackRestBackup> backups, PhysicalBackupTarget target, boolean proofs) {
    return proofs ? PhysicalBackupRules.expirePlan(backups, target.retentionFull(), target.minFull())
        : PhysicalBackupRules.expirePlan(backups, target.retentionFull(), target.minFull(), Set.of());
  }

  private static ApprovalRequest request(ExpirePlan plan, String cluster, PhysicalBackupTarget target) {
    Map<String, String> evidence = new LinkedHashMap<>();
    evidence.put("expire", String.join(", ", plan.expire()));
    evidence.put("deleted with them", String.join(", ", plan.dependents()));
    evidence.put("full backups left", String.valueOf(plan.fullsLeft()));
    evidence.put("why approval", String.join("; ", plan.needsApproval()));
    if (!plan.provenBy().isEmpty()) {
      evidence.put("proven by restore drills", String.join("; ", plan.provenBy()));
    }
    return new ApprovalRequest(EXPIRE_STEP, "expire " + plan.dependents().size() + " physical backups of " + cluster
        + " (stanza " + target.stanza() + ")", cluster, evidence, PlanDigest.of(plan.dependents()), null);
  }

  static String describe(PgBackRestBackup b) {
    return b.type() + " backup " + b.label() + ": " + b.size() + " bytes (" + b.repoSize() + " in the repository), WAL "
        + b.walStart() + " to " + b.walStop();
  }
}
