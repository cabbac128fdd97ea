package io.pgrunbooks.workflows.backup;

/** Input of {@code listBackups} and {@code policy}; database may be null for the cluster as a whole. */
public record ListBackupsInput(String cluster, String database) {}
