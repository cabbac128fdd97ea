package io.pgrunbooks.workflows.physicalbackup;

/**
 * Where and how a cluster's physical backup runs, from the worker's config and the servers.
 *
 * @param node the node that is primary now: its agent runs pgBackRest
 * @param stanza the cluster's pgBackRest stanza
 * @param retentionFull full backups retention keeps
 * @param minFull fewer full backups than this after an expire needs an approval
 * @param agentStartTimeoutSeconds how long a task may wait for the node's agent
 */
public record PhysicalBackupTarget(String node, String stanza, int retentionFull, int minFull,
                                   int agentStartTimeoutSeconds) {}
