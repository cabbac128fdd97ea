package io.pgrunbooks.workflows.lock;

/**
 * Whether a run is still going, as Temporal sees it.
 *
 * @param status Temporal's execution status without its prefix ({@code RUNNING}, {@code COMPLETED},
 *     {@code FAILED}, {@code TERMINATED}, {@code CANCELED}, {@code TIMED_OUT}, {@code CONTINUED_AS_NEW}),
 *     or {@code NOT_FOUND} when Temporal no longer knows the run
 * @param open true only while the run is running
 */
public record RunStatus(String workflowId, String runId, String status, boolean open) {}
