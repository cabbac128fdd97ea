package io.pgrunbooks.workflows.physicalbackup;

import java.util.List;

/**
 * Input of the node agent's pgBackRest activities.
 *
 * @param cluster the cluster whose {@code pgbackrest} section configures the call
 * @param type backup type ({@code full}, {@code diff}, {@code incr}); null for info and expire
 * @param runKey annotation {@code pg-runbooks-run} of a backup: a retried attempt finds the backup an
 *     earlier attempt finished instead of taking a second one
 * @param labels the full backups to expire (with their dependents); empty otherwise
 * @param primary for a backup from a standby: the primary's node name (pgBackRest's pg1); the agent's own node,
 *     a streaming replica, is pg2 and the backup runs with {@code --backup-standby}. Null: the agent's node is
 *     the primary.
 */
public record PgBackRestCall(String cluster, String type, String runKey, List<String> labels, String primary) {
  public PgBackRestCall {
    labels = labels == null ? List.of() : List.copyOf(labels);
  }

  /** A call on the primary's own agent. */
  public PgBackRestCall(String cluster, String type, String runKey, List<String> labels) {
    this(cluster, type, runKey, labels, null);
  }

  public static PgBackRestCall info(String cluster) {
    return new PgBackRestCall(cluster, null, null, List.of());
  }
}
