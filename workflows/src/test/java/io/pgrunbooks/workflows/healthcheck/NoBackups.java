package io.pgrunbooks.workflows.healthcheck;

import io.pgrunbooks.workflows.backup.BackupStoreActivities;
import io.pgrunbooks.workflows.backup.BackupEntry;
import io.pgrunbooks.workflows.backup.BackupManifest;
import io.pgrunbooks.workflows.backup.BackupPolicy;
import io.pgrunbooks.workflows.backup.BackupRef;
import io.pgrunbooks.workflows.backup.DeleteBackupsInput;
import io.pgrunbooks.workflows.backup.ListBackupsInput;
import io.pgrunbooks.workflows.backup.RecordVerificationInput;
import io.pgrunbooks.workflows.backup.VerifiedBackupAge;
import java.util.List;

/**
 * A bucket without backups, for HealthCheck runs that do not judge backup age (replay recordings);
 * HealthCheck only reads {@link #verifiedAges}, which subclasses override.
 */
public class NoBackups implements BackupStoreActivities {
  @Override
  public List<VerifiedBackupAge> verifiedAges(ListBackupsInput input) {
    return List.of();
  }

  @Override
  public BackupPolicy policy(ListBackupsInput input) {
    throw new UnsupportedOperationException();
  }

  @Override
  public List<BackupEntry> listBackups(ListBackupsInput input) {
    throw new UnsupportedOperationException();
  }

  @Override
  public BackupManifest readBackupManifest(BackupRef ref) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void recordVerification(RecordVerificationInput input) {
    throw new UnsupportedOperationException();
  }

  @Override
  public int deleteBackups(DeleteBackupsInput input) {
    throw new UnsupportedOperationException();
  }
}
