package io.pgrunbooks.workflows.approval;

import io.pgrunbooks.workflows.common.WorkflowTypes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * When a child run may act on its parent's approval (a {@link DelegatedApproval}) instead of asking its own. Pure, so
 * every rule is tested without Temporal; {@link ApprovalGate#request(ApprovalRequest, DelegatedApproval, List)} feeds
 * it the parent ids Temporal recorded for the run.
 *
 * <p>Why the parent ids make it unforgeable: a client can put any {@code delegatedApproval} into an input, but only a
 * workflow can start a child, and Temporal alone sets a run's parent. The only registered workflow code that starts
 * children with a delegation is in {@link #DELEGATORS}, and it builds the delegation from its own approval outcome.
 */
public final class Delegation {
  /** Runbooks allowed to delegate, with the prefix of their workflow ids (by hand and scheduled). */
  // Sorted: the refusal text lists them, and workflow code must not depend on Map.of's per-JVM order.
  // PartitionMaintenance delegates its one approval of the expired set to its batch children (ids
  // <parent id>/batch-<n>, so the same prefix) and to ArchivePartition children; a batch child passes on only
  // what its own gate accepted.
  public static final Map<String, String> DELEGATORS = Collections.unmodifiableMap(new TreeMap<>(Map.of(
      WorkflowTypes.POOL_EXHAUSTED, "pool-exhausted:",
      WorkflowTypes.PARTITION_MAINTENANCE, "partition-maintenance:",
      WorkflowTypes.POINT_IN_TIME_RESTORE, "point-in-time-restore:")));

  private Delegation() {}

  /** The digest a parent binds its approval to and a child recomputes: the child step and its scope, in order. */
  public static String digest(String step, List<String> scope) {
    List<String> parts = new ArrayList<>();
    parts.add("delegated:" + step);
    parts.addAll(scope);
    return PlanDigest.of(parts);
  }

  /**
   * Why {@code d} does not approve this child's step, or null when it does.
   *
   * @param parentWorkflowId the run's parent as Temporal recorded it (null for a run started by a client)
   * @param parentRunId idem
   * @param step the child's approval step
   * @param items what the child's fresh evidence says it will act on, in the scope's words
   */
  public static String refusal(DelegatedApproval d, String parentWorkflowId, String parentRunId, String step,
                               List<String> items) {
    if (parentWorkflowId == null) {
      return "this run was not started by a parent workflow, so a delegated approval in its input counts for nothing";
    }
    if (!Objects.equals(parentWorkflowId, d.parentWorkflowId()) || !Objects.equals(parentRunId, d.parentRunId())) {
      return "the delegation names parent " + d.parentWorkflowId() + "/" + d.parentRunId() + " but this run's parent is "
          + parentWorkflowId + "/" + parentRunId;
    }
    String prefix = d.parentRunbook() == null ? null : DELEGATORS.get(d.parentRunbook());
    if (prefix == null || !parentWorkflowId.startsWith(prefix)) {
      return "runbook " + d.parentRunbook() + " (parent " + parentWorkflowId + ") may not delegate approvals; "
          + "allowed: " + DELEGATORS;
    }
    if (!Objects.equals(step, d.step())) {
      return "the delegation covers step " + d.step() + ", not " + step;
    }
    if (d.approvedBy().isEmpty()) {
      return "the delegation names no approver";
    }
    if (!Objects.equals(digest(d.step(), d.scope()), d.planDigest())) {
      return "the delegation's scope does not match its plan digest";
    }
    if (items == null || items.isEmpty()) {
      return "nothing to act on";
    }
    Set<String> approved = new HashSet<>(d.scope());
    List<String> outside = items.stream().filter(i -> !approved.contains(i)).toList();
    if (!outside.isEmpty()) {
      return outside.size() + " of " + items.size() + " item(s) were not in the plan approved on the parent: " + outside;
    }
    return null;
  }
}
