package io.pgrunbooks.workflows.physicalbackup;

/**
 * A replica of the cluster as the primary's {@code pg_stat_replication} shows it, a candidate for
 * {@code --backup-standby}.
 *
 * @param node the replica's node name (its {@code application_name})
 * @param state the walsender state ({@code streaming}, {@code catchup}, ...); null when it is not connected
 * @param lagBytes WAL bytes between the primary's current position and the replica's replay position
 */
public record StandbyCandidate(String node, String state, long lagBytes) {
  public boolean streaming() {
    return "streaming".equals(state);
  }
}
