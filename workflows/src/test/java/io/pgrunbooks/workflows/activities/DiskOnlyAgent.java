package io.pgrunbooks.workflows.activities;

/** Test double base of a node agent that only answers {@link #diskUsage}: the rebuild steps fail loudly. */
public abstract class DiskOnlyAgent implements NodeActivities {
  /** A test agent from a diskUsage function. */
  public static DiskOnlyAgent of(java.util.function.Function<DiskUsageInput, DiskUsage> disk) {
    return new DiskOnlyAgent() {
      @Override
      public DiskUsage diskUsage(DiskUsageInput input) {
        return disk.apply(input);
      }
    };
  }

  @Override
  public NodeState nodeState(RebuildStep input) {
    throw unsupported();
  }

  @Override
  public NodePlan rebuildPlan(BaseBackupInput input) {
    throw unsupported();
  }

  @Override
  public CommandOutcome stopPostgres(RebuildStep input) {
    throw unsupported();
  }

  @Override
  public CommandOutcome moveDataDirAside(RebuildStep input) {
    throw unsupported();
  }

  @Override
  public CommandOutcome baseBackup(BaseBackupInput input) {
    throw unsupported();
  }

  @Override
  public CommandOutcome startPostgres(RebuildStep input) {
    throw unsupported();
  }

  @Override
  public CommandOutcome removeOldDataDir(RebuildStep input) {
    throw unsupported();
  }

  @Override
  public CommandOutcome restoreOldDataDir(RebuildStep input) {
    throw unsupported();
  }

  private static UnsupportedOperationException unsupported() {
    return new UnsupportedOperationException("this test agent only answers diskUsage");
  }
}
