package io.pgrunbooks.workflows.reindex;

import io.pgrunbooks.workflows.activities.IndexMaintenanceActivities.IndexSize;
import io.pgrunbooks.workflows.common.RunReport;
import java.util.List;

/**
 * Result of {@code Reindex}.
 *
 * @param before the indexes and their sizes before (with HypoPG's estimate of a fresh copy)
 * @param after their sizes after the rebuild; empty when nothing was rebuilt
 * @param leftoversDropped INVALID {@code _ccnew}/{@code _ccold} indexes dropped first
 */
public record ReindexResult(RunReport report, List<IndexSize> before, List<IndexSize> after,
                            List<String> leftoversDropped) {}
