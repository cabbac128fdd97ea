package io.pgrunbooks.workflows.activities;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * Reads the worker's configuration so that workflow decisions made from it are recorded in
 * history (and so replay deterministically). Never returns a secret.
 */
@ActivityInterface
public interface ConfigActivities {
  /** The cluster's nodes (as configured, roles are discovered elsewhere) and its health thresholds; BadInput for an unknown cluster. */
  @ActivityMethod
  ClusterSpec describeCluster(DescribeClusterInput input);
}
