package io.pgrunbooks.workflows.backup;

import java.util.List;

/** Input of {@code countRows}: the scratch database and the manifest's tables. */
public record CountRowsInput(String scratchDatabase, List<TableCount> tables) {}
