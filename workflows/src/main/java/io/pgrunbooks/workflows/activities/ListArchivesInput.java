package io.pgrunbooks.workflows.activities;

/** The archives of {@code table} ({@code schema.name} of a partition or of its parent) of one cluster and database. */
public record ListArchivesInput(String cluster, String database, String table) {}
