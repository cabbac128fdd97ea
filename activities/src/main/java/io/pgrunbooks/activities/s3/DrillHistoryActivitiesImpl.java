package io.pgrunbooks.activities.s3;

import io.pgrunbooks.workflows.restoredrill.DrillHistory;
import io.pgrunbooks.workflows.restoredrill.DrillHistoryActivities;
import io.pgrunbooks.workflows.restoredrill.DrillRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link DrillHistoryActivities} on the configured archive bucket: one small JSON object per drill at
 * {@link DrillHistory#key} (a retry rewrites the same key with the same bytes). Without a bucket it writes nothing.
 */
public class DrillHistoryActivitiesImpl implements DrillHistoryActivities {
  private static final Logger LOG = LoggerFactory.getLogger(DrillHistoryActivitiesImpl.class);

  private final S3ClientFactory s3;

  public DrillHistoryActivitiesImpl(S3ClientFactory s3) {
    this.s3 = s3;
  }

  @Override
  public String recordDrill(DrillRecord record) {
    if (!s3.config().configured()) {
      LOG.warn("restore drill {} of {} not kept in the drill history: no archive bucket is configured (archive.bucket)",
          record.workflowId(), record.cluster());
      return null;
    }
    String key = DrillHistory.key(s3.config().prefix(), record);
    s3.putJson(key, DrillHistory.json(record));
    return key;
  }
}
