package io.pgrunbooks.workflows.activities;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;

/**
 * Pool sizes of the PgBouncer in front of a cluster (PoolResize), on the task queue of the agent of the node named in
 * {@code clusters.<c>.pgbouncer.node}: the config file is on that host.
 */
@ActivityInterface
public interface PgBouncerPoolActivities {
  /** Every {@code [databases]} entry of the config file with its effective pool sizes. */
  @ActivityMethod(name = "ReadBouncerPools")
  List<Pool> readBouncerPools(PoolsInput input);

  /**
   * Sets one entry's {@code pool_size} (and {@code reserve_pool}): saves the file, rewrites it atomically (temp file +
   * rename, every other byte kept), {@code RELOAD}, checks {@code SHOW DATABASES}; on failure puts the saved file back
   * and reloads. Idempotent: a file already saying the new size (a crash between write and RELOAD) is reloaded and
   * checked.
   *
   * @throws io.temporal.failure.ApplicationFailure BadInput for an unknown entry, BouncerConfigFailed (non-retryable)
   *     when the reloaded PgBouncer does not show the new size (the old file is back)
   */
  @ActivityMethod(name = "ResizeBouncerPool")
  Resized resizeBouncerPool(ResizeInput input);

  /** The cluster whose PgBouncer to read. */
  record PoolsInput(String cluster) {}

  /**
   * One entry.
   *
   * @param host its server (null: PgBouncer's default, the local socket)
   * @param explicitPoolSize whether the entry sets its own {@code pool_size} (else {@code default_pool_size})
   * @param clientsWaiting {@code cl_waiting} of the entry in {@code SHOW POOLS} (all users), -1 when unknown
   */
  record Pool(String name, String host, int port, int poolSize, int reservePool, boolean explicitPoolSize,
              int clientsWaiting) {}

  /** New sizes of entry {@code database}; {@code reservePool} null keeps it. */
  record ResizeInput(String cluster, String database, int poolSize, Integer reservePool) {}

  /**
   * What a resize did.
   *
   * @param before the entry as the file said before (from the saved copy when an earlier attempt already wrote it)
   * @param shownPoolSize {@code pool_size} in {@code SHOW DATABASES} after the RELOAD
   */
  record Resized(Pool before, int poolSize, int shownPoolSize, boolean fileChanged, String detail) {}
}
