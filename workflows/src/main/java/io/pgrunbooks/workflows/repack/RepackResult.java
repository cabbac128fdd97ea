package io.pgrunbooks.workflows.repack;

import io.pgrunbooks.workflows.activities.RepackActivities.RepackFacts;
import io.pgrunbooks.workflows.activities.RepackActivities.RepackOutcome;
import io.pgrunbooks.workflows.common.RunReport;
import java.util.List;

/**
 * Result of {@code Repack}.
 *
 * @param before what the inspection found (sizes, bloat estimate, key)
 * @param outcome sizes before and after; null when nothing was repacked
 * @param cleanedUp {@code repack.*} objects of a failed or killed repack that the run dropped
 */
public record RepackResult(RunReport report, RepackFacts before, RepackOutcome outcome, List<String> cleanedUp) {}
