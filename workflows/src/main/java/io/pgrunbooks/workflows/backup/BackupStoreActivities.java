package io.pgrunbooks.workflows.backup;

import io.pgrunbooks.workflows.backup.BackupEntry;
import io.pgrunbooks.workflows.backup.BackupManifest;
import io.pgrunbooks.workflows.backup.BackupPolicy;
import io.pgrunbooks.workflows.backup.BackupRef;
import io.pgrunbooks.workflows.backup.DeleteBackupsInput;
import io.pgrunbooks.workflows.backup.ListBackupsInput;
import io.pgrunbooks.workflows.backup.RecordVerificationInput;
import io.pgrunbooks.workflows.backup.VerifiedBackupAge;
import io.temporal.activity.ActivityInterface;
import java.util.List;

/** The bucket side of backups: listing, manifests, verification records, retention deletes. */
@ActivityInterface
public interface BackupStoreActivities {
  /** The {@code backup} config as the runbooks need it (read by an activity so that it is in history). */
  BackupPolicy policy(ListBackupsInput input);

  /** Every backup of the database, oldest first, with whether it is complete and verified. */
  List<BackupEntry> listBackups(ListBackupsInput input);

  /** The manifest of a backup; BadInput when the key holds none. */
  BackupManifest readBackupManifest(BackupRef ref);

  /** Writes {@code verification.json} beside the manifest (overwrites: the latest verification counts). */
  void recordVerification(RecordVerificationInput input);

  /**
   * For each database of the cluster with backups in the bucket, its newest verified backup; empty
   * when no bucket is configured or {@code backup.maxVerifiedAgeHours} is 0.
   */
  List<VerifiedBackupAge> verifiedAges(ListBackupsInput input);

  /** Deletes every object under each backup's key; deleting what is already gone is fine. */
  int deleteBackups(DeleteBackupsInput input);
}
