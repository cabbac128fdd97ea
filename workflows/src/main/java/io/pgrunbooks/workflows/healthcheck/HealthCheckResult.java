package io.pgrunbooks.workflows.healthcheck;

import io.pgrunbooks.workflows.common.RunReport;
import java.util.List;

/**
 * Result of {@code HealthCheck}: the run report, the cluster verdict and each node's.
 *
 * @param primary the one node accepting writes; null when there is none or more than one
 * @param clusterFindings findings about the cluster as a whole (no reachable primary, two
 *     primaries); a replica missing from the primary's replication is a finding of that replica
 */
public record HealthCheckResult(RunReport report, HealthStatus status, String primary,
                                List<Finding> clusterFindings, List<NodeHealth> nodes) {}
