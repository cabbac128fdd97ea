package io.pgrunbooks.workflows.activities;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * Host-local work, run by the node agent of one host on its own task queue
 * ({@code TaskQueues.node(node)}).
 */
@ActivityInterface
public interface NodeActivities {
  /** Size of the node's data directory and the free space of the filesystem that holds it. */
  @ActivityMethod
  DiskUsage diskUsage(DiskUsageInput input);
}
