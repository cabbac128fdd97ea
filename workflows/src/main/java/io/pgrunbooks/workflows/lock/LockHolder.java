package io.pgrunbooks.workflows.lock;

import java.time.Instant;

/**
 * Who holds a cluster's topology lock ({@code holder} query of {@link TopologyLockWorkflow}).
 *
 * @param workflowId the holding run's workflow id, e.g. {@code failover:main}
 * @param runbook its runbook type, e.g. {@code Failover}
 * @param since when it was granted
 * @param lockId the request id it was granted under
 */
public record LockHolder(String workflowId, String runbook, Instant since, String lockId) {}
