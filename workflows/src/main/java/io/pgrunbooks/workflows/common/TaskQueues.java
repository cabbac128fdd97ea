package io.pgrunbooks.workflows.common;

/** Task queue names of the public contract (DESIGN.md section 4). */
public final class TaskQueues {
  /** The central worker: all workflows plus SQL, S3, PgBouncer and notification activities. */
  public static final String CENTRAL = "pg-runbooks";

  /**
   * Heavy activities (archive export/verify/restore streams and their S3 transfers, backup dumps and
   * verification restores): polled by the central worker too unless configured otherwise, on slots of
   * their own, so a long export never takes the slots approvals, health checks and failover steps need.
   */
  public static final String HEAVY = "pg-runbooks-heavy";

  private static final String NODE_PREFIX = "pg-runbooks-node-";

  private TaskQueues() {}

  /** The queue served by the node agent of {@code node}: host-local work for that host only. */
  public static String node(String node) {
    return NODE_PREFIX + node;
  }
}
