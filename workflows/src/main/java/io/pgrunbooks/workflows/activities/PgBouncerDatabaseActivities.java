package io.pgrunbooks.workflows.activities;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * {@code PAUSE <db>} / {@code RESUME <db>} of one database at the cluster's PgBouncer, on the agent of
 * {@code clusters.<c>.pgbouncer.node}. Idempotent: already paused or not paused is done.
 */
@ActivityInterface
public interface PgBouncerDatabaseActivities {
  /** Waits until the database's server connections are released; its clients queue. */
  @ActivityMethod
  String pauseDatabase(DatabaseBouncerInput input);

  @ActivityMethod
  String resumeDatabase(DatabaseBouncerInput input);

  record DatabaseBouncerInput(String cluster, String database) {}
}
