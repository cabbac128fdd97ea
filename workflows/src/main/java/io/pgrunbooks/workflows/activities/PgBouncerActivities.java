package io.pgrunbooks.workflows.activities;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * The PgBouncer in front of a cluster, driven by the agent of the node named in {@code clusters.<c>.pgbouncer.node}
 * (it runs on that agent's task queue: the config file is on that host). PAUSE, RESUME and RELOAD go through the
 * admin console. Every method is idempotent.
 */
@ActivityInterface
public interface PgBouncerActivities {
  /** {@code PAUSE}: waits until server connections are released; clients queue. Already paused: done. */
  @ActivityMethod
  String pauseBouncer(BouncerInput input);

  /** {@code RESUME}. Not paused: done. */
  @ActivityMethod
  String resumeBouncer(BouncerInput input);

  /**
   * Points the {@code [databases]} entries of the config file that point at {@code fromHost:fromPort} (the primary
   * being replaced) at {@code host:port}, then {@code RELOAD}. Entries for other servers (other clusters, replicas
   * behind read-only pools) stay as they are.
   */
  @ActivityMethod
  String repointBouncer(RepointInput input);

  record BouncerInput(String cluster) {}

  /**
   * @param fromHost host the entries to move point at now; null (a task scheduled before this field existed) moves
   *     every entry, as it did then
   */
  record RepointInput(String cluster, String node, String host, int port, String fromHost, int fromPort) {}
}
