package io.pgrunbooks.workflows.activities;

/** Input of {@link NodeActivities#diskUsage}. */
public record DiskUsageInput(String cluster, String node) {}
