package io.pgrunbooks.workflows.healthcheck;

import io.pgrunbooks.workflows.common.RunReport;
import java.util.List;

/**
 * Result of {@code HealthCheck}: the run report, the cluster verdict and each node's.
 *
 * @param clusterFindings findings about the cluster as a whole (no primary, two primaries, a
 *     configured replica missing from the primary's replication)
 */
public record HealthCheckResult(RunReport report, HealthStatus status, String primary,
                                List<Finding> clusterFindings, List<NodeHealth> nodes) {}
