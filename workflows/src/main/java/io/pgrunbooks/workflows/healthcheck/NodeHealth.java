package io.pgrunbooks.workflows.healthcheck;

import io.pgrunbooks.workflows.activities.DiskUsage;
import io.pgrunbooks.workflows.activities.NodeHealthFacts;
import java.util.List;

/**
 * The verdict on one node with the facts it rests on.
 *
 * @param role PRIMARY, REPLICA or UNKNOWN (unreachable)
 * @param disk null when the node's agent did not answer (a finding says so)
 */
public record NodeHealth(String node, String role, HealthStatus status, List<Finding> findings,
                         NodeHealthFacts facts, DiskUsage disk) {}
