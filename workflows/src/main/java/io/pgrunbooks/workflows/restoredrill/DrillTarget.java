package io.pgrunbooks.workflows.restoredrill;

/**
 * Where a cluster's restore drill runs, from the worker's config and the servers.
 *
 * @param node the node that is primary now: its agent restores the scratch instance (it has the pgBackRest config)
 * @param host that node's host, where the scratch instance listens
 * @param stanza the cluster's pgBackRest stanza
 * @param database the database of the sentinels and row checks (the input's, or the default)
 * @param rtoObjectiveSeconds a drill slower than this is a finding; 0 = no objective
 * @param rpoObjectiveSeconds newest archived WAL older than this at the drill's start is a finding; 0 = none
 * @param agentStartTimeoutSeconds how long a task may wait for the node's agent
 */
public record DrillTarget(String node, String host, String stanza, String database, long rtoObjectiveSeconds,
                          long rpoObjectiveSeconds, int agentStartTimeoutSeconds) {}
