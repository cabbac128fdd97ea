package io.pgrunbooks.workflows.healthcheck;

/**
 * One observation that made a node or the cluster less than healthy, or an informative fact.
 *
 * @param check short name of the check ("replication", "connections", "long-queries", ...)
 * @param message what was seen, with the numbers and the threshold
 */
public record Finding(HealthStatus severity, String check, String message) {}
