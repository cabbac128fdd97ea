package io.pgrunbooks.workflows.common;

/** Optional fields every runbook input carries (DESIGN.md section 4). */
public interface RunbookInput {
  /** When true the run returns its plan and changes nothing. */
  boolean dryRun();

  /** Who asked for the run; may not approve its own destructive steps. */
  String requestedBy();

  /** Why the run was started, for the report and the audit trail. */
  String reason();

  /**
   * The database the run acts on, null for cluster-wide runbooks. Inputs with a {@code database}
   * component answer with it; pre-approvals are matched against it.
   */
  default String database() {
    return null;
  }
}
