package io.pgrunbooks.workflows.lock;

/** Input of {@link LockActivities#describeRun}: one run of a workflow (runId null means its latest run). */
public record DescribeRunInput(String workflowId, String runId) {}
