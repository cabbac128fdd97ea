package io.pgrunbooks.workflows.backup;

/**
 * The node a backup is dumped from.
 *
 * @param role {@code primary} or {@code replica}
 * @param why why this node (e.g. "pg2 is a streaming replica, replay lag 0.0 s")
 */
public record BackupSource(String node, String role, String why) {}
