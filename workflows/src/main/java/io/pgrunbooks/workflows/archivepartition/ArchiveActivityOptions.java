package io.pgrunbooks.workflows.archivepartition;

import io.pgrunbooks.workflows.common.ActivityStubs;
import io.temporal.activity.ActivityOptions;
import java.time.Duration;

/** Activity options of the archive and restore runbooks, declared once. */
public final class ArchiveActivityOptions {
  private ArchiveActivityOptions() {}

  /** Catalog reads, detach, attach, drop: short statements under their own lock_timeout. */
  public static final ActivityOptions SQL = ActivityStubs.central(Duration.ofMinutes(5))
      .retry(ActivityStubs.retry(6, Duration.ofSeconds(1), Duration.ofSeconds(15)))
      .build();

  /**
   * Streams (export, verify, restore): long, so they heartbeat; a worker that dies is noticed within the
   * heartbeat timeout and another one starts over. Five attempts with backoff are the retry budget for an
   * unavailable store; past it the run fails and re-attaches the partition.
   */
  public static final ActivityOptions STREAM = ActivityStubs.central(Duration.ofHours(12))
      .heartbeat(Duration.ofSeconds(20))
      .retry(ActivityStubs.retry(5, Duration.ofSeconds(2), Duration.ofSeconds(30)))
      .build();

  /** {@link #STREAM} on the heavy queue ({@code pg-runbooks-heavy}): what runs since the heavy queue use. */
  public static final ActivityOptions STREAM_HEAVY = io.pgrunbooks.workflows.common.HeavyQueue.on(STREAM);
}
