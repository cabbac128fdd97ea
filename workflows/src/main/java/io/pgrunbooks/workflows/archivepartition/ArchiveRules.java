package io.pgrunbooks.workflows.archivepartition;

import io.pgrunbooks.workflows.activities.ArchivePreflightFacts;

/**
 * Whether a partition may be archived and dropped (DESIGN.md invariant 3), decided from catalog
 * bounds only. Pure, so workflow code may call it.
 */
final class ArchiveRules {
  private ArchiveRules() {}

  /** Null when allowed; otherwise why not, in words. {@code force} only overrides "not expired yet". */
  static String refusal(ArchivePreflightFacts f, boolean force, String reason) {
    String name = f.ref().qualified();
    if (f.isDefault()) {
      return name + " is the default partition of " + f.ref().parentQualified() + "; it is never archived";
    }
    if (f.upperBound() == null) {
      return name + " has no time upper bound (" + f.boundSpec() + "); expiry cannot be decided from its bounds";
    }
    if (f.upperBound().isAfter(f.dbNow())) {
      return name + " is the current or a future partition (" + f.boundSpec() + ", server time " + f.dbNow() + ")";
    }
    if (f.minRetentionCutoff() != null && f.upperBound().isAfter(f.minRetentionCutoff())) {
      return name + " holds data newer than the compliance floor minRetention " + f.minRetention() + " of "
          + f.ref().parentQualified() + " (upper bound " + f.upperBound() + ", floor cutoff " + f.minRetentionCutoff()
          + "); not even force may archive it";
    }
    boolean expired = f.retentionCutoff() != null && !f.upperBound().isAfter(f.retentionCutoff());
    if (expired) {
      return null;
    }
    String notExpired = name + " has not expired under retention "
        + (f.retention() == null ? "(none: kept forever)" : f.retention() + " (cutoff " + f.retentionCutoff() + ")")
        + ", upper bound " + f.upperBound();
    if (!force) {
      return notExpired + "; pass force with a reason to archive it anyway";
    }
    if (reason == null || reason.isBlank()) {
      return notExpired + "; force needs a reason";
    }
    return null;
  }
}
