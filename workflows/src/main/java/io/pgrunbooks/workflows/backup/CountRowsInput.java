package io.pgrunbooks.workflows.backup;

import java.util.List;

/**
 * Input of {@code countRows}: the scratch database, the manifest's tables and the cluster whose verification target
 * holds the scratch database (null: the default target, as runs from before per-cluster targets).
 */
public record CountRowsInput(String scratchDatabase, List<TableCount> tables, String cluster) {}
