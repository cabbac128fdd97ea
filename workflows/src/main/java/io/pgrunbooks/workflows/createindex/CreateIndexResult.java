package io.pgrunbooks.workflows.createindex;

import io.pgrunbooks.workflows.activities.PostgresIndexActivities.StatementCost;
import io.pgrunbooks.workflows.common.RunReport;
import java.util.List;

/**
 * Result of {@code CreateIndex}.
 *
 * @param index {@code schema.name} of the index (built or planned)
 * @param statement the statement run (or that would run)
 * @param estimatedBytes HypoPG's estimate; {@code bytes} the real size after the build (-1 when not built)
 * @param statements statements of the table with plan cost before and after (HypoPG before, real after the build)
 */
public record CreateIndexResult(RunReport report, String index, String statement, long estimatedBytes, long bytes,
                                List<StatementCost> statements) {}
