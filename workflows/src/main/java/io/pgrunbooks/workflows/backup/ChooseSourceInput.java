package io.pgrunbooks.workflows.backup;

/** Input of {@code chooseSource}. */
public record ChooseSourceInput(String cluster, String database, boolean preferReplica) {}
