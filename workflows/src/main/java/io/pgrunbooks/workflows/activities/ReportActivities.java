package io.pgrunbooks.workflows.activities;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** The audit trail in the bucket: each finished run's report, written once per run under a date partition. */
@ActivityInterface
public interface ReportActivities {
  /**
   * Writes {@code report} as JSON to {@link ReportLayout#key}; writing the same run again writes the
   * same key with the same content. Returns the key, or null when no bucket is configured (the run
   * logs that its report was kept only in Temporal).
   */
  @ActivityMethod
  String writeReport(AuditReport report);
}
