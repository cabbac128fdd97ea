package io.pgrunbooks.workflows.queryreport;

import io.pgrunbooks.workflows.activities.QueryReportActivities.IndexHealth;
import io.pgrunbooks.workflows.activities.QueryReportActivities.StatementPlan;
import io.pgrunbooks.workflows.activities.QueryReportActivities.StatementsReport;
import io.pgrunbooks.workflows.common.RunReport;
import java.util.List;

/**
 * Result of {@code QueryReport}: the JSON report and its readable summary (also the report's summary).
 *
 * @param target {@code cluster/database}
 * @param statements the top lists (deltas since the previous report, or totals on a first run or after a reset)
 * @param plans plans, sequential scans and HypoPG candidates of the worst statements
 * @param indexes unused, duplicate and INVALID indexes, bloat estimates
 * @param text the readable summary, several lines
 */
public record QueryReportResult(RunReport report, String target, StatementsReport statements,
                                List<StatementPlan> plans, IndexHealth indexes, String text) {}
