package io.pgrunbooks.workflows.approval;

import io.temporal.activity.ActivityInterface;

/** The test runbook's stand-in for the database. */
@ActivityInterface
public interface PartitionTestActivities {
  long rowCount(String partition);

  void detach(String partition);

  void reattach(String partition);

  /** Drops the partition; {@code planDigest} is the digest the approval was bound to. */
  void drop(String partition, String planDigest);
}
