package io.pgrunbooks.workflows.activities;

/** Names a partition as typed by a person: {@code partition} is {@code schema.name}. */
public record InspectPartitionInput(String cluster, String database, String partition) {}
