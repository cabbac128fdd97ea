package io.pgrunbooks.workflows.activities;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** The archive bucket of the worker's config (AWS S3 or an S3-compatible store), through AWS SDK v2. */
@ActivityInterface
public interface S3Activities {
  /** Size and checksum from HEAD; with {@code deep}, streams the object back, decompresses, counts rows and re-hashes. */
  @ActivityMethod
  VerifyArchiveResult verifyArchive(VerifyArchiveInput input);

  /**
   * Writes {@code manifest.json} once: a no-op when the key already holds this run's manifest of the same data (a
   * retry), SafetyRefused when it holds another archive's; never overwrites.
   */
  @ActivityMethod
  void writeManifest(WriteManifestInput input);

  /**
   * Reads a manifest; BadInput when the key is outside the configured bucket and prefix (or has {@code ..}),
   * when it does not exist or is not a pg-runbooks manifest, or when it names a data object outside them.
   */
  @ActivityMethod
  ArchiveManifest readManifest(ReadManifestInput input);

  /** Every archive of a partition or parent table (both layouts), newest first, read from their manifests. */
  @ActivityMethod
  java.util.List<ArchiveEntry> listArchives(ListArchivesInput input);
}
