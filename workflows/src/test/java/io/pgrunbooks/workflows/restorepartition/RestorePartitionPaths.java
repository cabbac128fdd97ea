package io.pgrunbooks.workflows.restorepartition;

import io.pgrunbooks.workflows.archivepartition.ArchiveFakes;
import io.pgrunbooks.workflows.archivepartition.ArchiveTestRuns;
import io.temporal.testing.TestWorkflowEnvironment;

/** Recorded paths of {@code RestorePartition} for the replay registry. */
public final class RestorePartitionPaths {
  private RestorePartitionPaths() {}

  public static String restoredAndAttached(TestWorkflowEnvironment env) {
    ArchiveFakes fakes = new ArchiveFakes();
    fakes.manifests.put(ArchiveFakes.MANIFEST_KEY, fakes.manifest());
    ArchiveTestRuns.restore(ArchiveTestRuns.start(env, fakes)).run(new RestorePartitionInput("main", "app",
        ArchiveFakes.MANIFEST_KEY, null, true, false, "alice", "audit"));
    return ArchiveTestRuns.RESTORE_ID;
  }

  /** By partition: list its archives, take the newest, restore and attach to the configured parent. */
  public static String byPartitionAttached(TestWorkflowEnvironment env) {
    ArchiveFakes fakes = new ArchiveFakes();
    fakes.manifests.put(ArchiveFakes.MANIFEST_KEY, fakes.manifest());
    ArchiveTestRuns.restore(ArchiveTestRuns.start(env, fakes)).run(new RestorePartitionInput("main", "app", null, null,
        true, false, "alice", "audit", ArchiveFakes.PARTITION, null));
    return ArchiveTestRuns.RESTORE_ID;
  }
}
