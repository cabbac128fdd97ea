package io.pgrunbooks.workflows.activities;

/** Input of {@link ConfigActivities#describeCluster}. */
public record DescribeClusterInput(String cluster) {}
