package io.pgrunbooks.client;

/**
 * A run that cannot start because another holds its target: the same workflow id is running, or
 * the cluster's topology lock is held by another run.
 *
 * @see RunStarts#start
 */
public final class RunConflict extends RuntimeException {
  private final String holderWorkflowId;
  private final String holderRunId;

  public RunConflict(String message, String holderWorkflowId, String holderRunId) {
    super(message);
    this.holderWorkflowId = holderWorkflowId;
    this.holderRunId = holderRunId;
  }

  public String holderWorkflowId() {
    return holderWorkflowId;
  }

  public String holderRunId() {
    return holderRunId;
  }
}
