package io.pgrunbooks.workflows.activities;

import java.time.Instant;

/**
 * One archive in the bucket, as {@code runbooks archives}, {@code GET /api/v1/archives} and
 * RestorePartition list them (from its {@code manifest.json}).
 *
 * @param manifestKey key of the manifest in the configured bucket (what RestorePartition's {@code manifestKey} takes)
 * @param layout {@code run} (one folder per run, since issue 14) or {@code legacy} (the partition folder itself)
 * @param partition {@code schema.name} of the archived partition
 * @param parent {@code schema.name} of its parent when archived
 * @param runId the ArchivePartition run that wrote it
 * @param sha256Uncompressed SHA-256 of the canonical CSV (what a drop proved the table against)
 */
public record ArchiveEntry(String manifestKey, String layout, String partition, String parent, String boundSpec,
                           String runId, Instant archivedAt, long rows, long uncompressedBytes, long compressedBytes,
                           String sha256Uncompressed, String dataKey) {

  public static ArchiveEntry of(String manifestKey, String layout, ArchiveManifest m) {
    return new ArchiveEntry(manifestKey, layout, m.schema() + "." + m.table(), m.parentSchema() + "." + m.parentTable(),
        m.boundSpec(), m.runId(), m.archivedAt(), m.rows(), m.uncompressedBytes(), m.compressedBytes(),
        m.sha256Uncompressed(), m.dataKey());
  }
}
