package io.pgrunbooks.workflows.restoredrill;

/**
 * A restored scratch instance, started and queryable.
 *
 * @param dataDir its data directory on the node's host
 * @param port the free port it listens on
 * @param restoreSeconds {@code pgbackrest restore} alone
 * @param rtoSeconds from the start of the restore until it answered a query after recovery ended
 * @param recoveryStop PostgreSQL's log line saying where recovery stopped ({@code recovery stopping before commit
 *     of transaction ..., time ...}); null when the log has none
 */
public record DrillInstance(String dataDir, int port, double restoreSeconds, double rtoSeconds, String recoveryStop) {}
