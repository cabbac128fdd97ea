package io.pgrunbooks.workflows.dropindex;

import io.pgrunbooks.workflows.activities.IndexMaintenanceActivities.IndexFacts;
import io.pgrunbooks.workflows.common.RunReport;

/**
 * Result of {@code DropIndex}.
 *
 * @param facts what was known about the index before the drop (null when the input was refused)
 * @param dropped true when the index is gone at the end of the run
 */
public record DropIndexResult(RunReport report, IndexFacts facts, boolean dropped) {}
