package io.pgrunbooks.workflows.backup;

/**
 * The {@code backup} config of the worker, as the runbooks decide on it.
 *
 * @param root the database's backup folder, {@code <prefix>/backups/<cluster>/<database>}
 * @param verificationTarget host:port of the verification instance, or null when none is configured
 */
public record BackupPolicy(String bucket, String root, boolean preferReplica, int keepVerified, int keepDays, int restoreJobs,
                           int maxVerifiedAgeHours, String verificationTarget) {}
