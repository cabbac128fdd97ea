package io.pgrunbooks.workflows.physicalbackup;

import java.util.List;

/**
 * Where and how a cluster's physical backup runs, from the worker's config and the servers.
 *
 * @param node the node that is primary now: its agent runs pgBackRest
 * @param stanza the cluster's pgBackRest stanza
 * @param retentionFull full backups retention keeps
 * @param minFull fewer full backups than this after an expire needs an approval
 * @param agentStartTimeoutSeconds how long a task may wait for the node's agent
 * @param backupStandby config {@code backupStandby}: copy the data files from a streaming replica
 * @param replicas the replicas the primary knows, when {@code backupStandby} is set (empty otherwise)
 */
public record PhysicalBackupTarget(String node, String stanza, int retentionFull, int minFull,
                                   int agentStartTimeoutSeconds, boolean backupStandby,
                                   List<StandbyCandidate> replicas) {
  public PhysicalBackupTarget {
    replicas = replicas == null ? List.of() : List.copyOf(replicas);
  }

  /** A target that backs up from the primary. */
  public PhysicalBackupTarget(String node, String stanza, int retentionFull, int minFull,
                              int agentStartTimeoutSeconds) {
    this(node, stanza, retentionFull, minFull, agentStartTimeoutSeconds, false, List.of());
  }
}
