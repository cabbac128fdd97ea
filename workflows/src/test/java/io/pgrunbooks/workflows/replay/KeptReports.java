package io.pgrunbooks.workflows.replay;

import io.pgrunbooks.workflows.activities.AuditReport;
import io.pgrunbooks.workflows.activities.ReportActivities;
import io.pgrunbooks.workflows.activities.ReportLayout;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The bucket's report writer for runbook workflow tests: keeps what runs wrote. Without it a finished
 * run retries the unregistered activity for its 10 minutes of (skipped) time before logging it.
 */
public final class KeptReports implements ReportActivities {
  public final List<AuditReport> written = new CopyOnWriteArrayList<>();

  @Override
  public String writeReport(AuditReport report) {
    written.add(report);
    return ReportLayout.key("reports/", report);
  }
}
