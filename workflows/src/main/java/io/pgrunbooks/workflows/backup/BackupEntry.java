package io.pgrunbooks.workflows.backup;

import java.time.Instant;

/**
 * One backup folder in the bucket.
 *
 * @param createdAt the UTC timestamp of the folder name
 * @param complete whether its manifest exists (a dump without one is an unfinished backup)
 * @param verified true when its latest verification passed, false when it failed, null when never verified
 * @param verifiedAt when it was last verified, or null
 */
public record BackupEntry(String key, Instant createdAt, boolean complete, Boolean verified, Instant verifiedAt,
                          long bytes) {
  public boolean verifiedOk() {
    return Boolean.TRUE.equals(verified);
  }
}
