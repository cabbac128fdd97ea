package io.pgrunbooks.workflows.restoredrill;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** The restore drill history in the archive bucket (central worker). */
@ActivityInterface
public interface DrillHistoryActivities {
  /**
   * Writes {@code record} as JSON to {@link DrillHistory#key}; a retry writes the same key with the same content.
   * Returns the key, or null when no archive bucket is configured (nothing is kept then).
   */
  @ActivityMethod
  String recordDrill(DrillRecord record);
}
