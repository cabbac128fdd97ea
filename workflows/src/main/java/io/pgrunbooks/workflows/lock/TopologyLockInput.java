package io.pgrunbooks.workflows.lock;

/**
 * Input of {@code TopologyLock}: {@code {"cluster": "main"}}.
 *
 * @param cluster configured cluster name (required)
 * @param state holders and log carried over by continue-as-new; null for a fresh lock
 */
public record TopologyLockInput(String cluster, LockState state) {

  public static TopologyLockInput of(String cluster) {
    return new TopologyLockInput(cluster, null);
  }
}
