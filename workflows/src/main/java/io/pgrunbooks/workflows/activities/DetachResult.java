package io.pgrunbooks.workflows.activities;

/**
 * @param how {@code concurrently}, {@code with lock_timeout}, {@code finalized} (a pending concurrent
 *     detach of an earlier attempt) or {@code already detached}
 */
public record DetachResult(String how) {}
