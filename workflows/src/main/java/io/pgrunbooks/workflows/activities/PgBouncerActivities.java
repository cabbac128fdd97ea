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

  /** Points every {@code [databases]} entry of the config file at {@code host:port}, then {@code RELOAD}. */
  @ActivityMethod
  String repointBouncer(RepointInput input);

  record BouncerInput(String cluster) {}

  record RepointInput(String cluster, String node, String host, int port) {}
}
