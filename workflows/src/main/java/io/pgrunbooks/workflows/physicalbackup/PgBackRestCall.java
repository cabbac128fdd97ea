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
 */
public record PgBackRestCall(String cluster, String type, String runKey, List<String> labels) {
  public PgBackRestCall {
    labels = labels == null ? List.of() : List.copyOf(labels);
  }

  public static PgBackRestCall info(String cluster) {
    return new PgBackRestCall(cluster, null, null, List.of());
  }
}
