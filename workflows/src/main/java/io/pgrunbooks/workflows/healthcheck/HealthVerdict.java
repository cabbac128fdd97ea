package io.pgrunbooks.workflows.healthcheck;

import java.util.List;

/**
 * The judgement {@link HealthEvaluator} passes back to the workflow.
 *
 * @param primary the one node accepting writes; null when there is none or more than one
 * @param summary one line for people, also the run report's summary
 */
public record HealthVerdict(HealthStatus status, String primary, List<Finding> clusterFindings,
                            List<NodeHealth> nodes, String summary) {}
