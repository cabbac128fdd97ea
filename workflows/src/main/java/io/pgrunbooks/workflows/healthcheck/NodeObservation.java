package io.pgrunbooks.workflows.healthcheck;

import io.pgrunbooks.workflows.activities.DiskUsage;
import io.pgrunbooks.workflows.activities.NodeHealthFacts;

/**
 * What the collect step gathered about one configured node, before judging.
 *
 * @param facts what PostgreSQL said; an activity failure arrives here as unreachable facts
 * @param disk what the node agent measured; null when it did not answer
 * @param diskError why {@code disk} is null, in words
 */
public record NodeObservation(String node, NodeHealthFacts facts, DiskUsage disk, String diskError) {}
