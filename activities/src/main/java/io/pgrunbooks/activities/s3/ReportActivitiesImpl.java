package io.pgrunbooks.activities.s3;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgrunbooks.workflows.activities.AuditReport;
import io.pgrunbooks.workflows.activities.ReportActivities;
import io.pgrunbooks.workflows.activities.ReportLayout;
import io.pgrunbooks.workflows.common.DataConverters;
import java.io.UncheckedIOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ReportActivities} on the configured archive bucket. One PUT of a small JSON object per run: a
 * retry rewrites the same key with the same bytes, so it needs no guard. Without a bucket it writes
 * nothing and says so in the worker log (the report stays in Temporal's history until retention).
 */
public class ReportActivitiesImpl implements ReportActivities {
  /** Format of the stored object; readers refuse other values. */
  public static final String FORMAT = "pg-runbooks-report/1";
  private static final Logger LOG = LoggerFactory.getLogger(ReportActivitiesImpl.class);
  private static final ObjectMapper JSON = DataConverters.objectMapper();

  private final S3ClientFactory s3;

  public ReportActivitiesImpl(S3ClientFactory s3) {
    this.s3 = s3;
  }

  @Override
  public String writeReport(AuditReport report) {
    if (!s3.config().configured()) {
      LOG.warn("run report of {} ({}) not written: no archive bucket is configured (archive.bucket); "
          + "the audit trail lasts only as long as Temporal keeps the history", report.workflowId(), report.runId());
      return null;
    }
    String key = ReportLayout.key(ReportLayout.root(s3.config().prefix()), report);
    s3.putJson(key, body(report));
    return key;
  }

  /** The stored JSON: format, run ids, input (secret-looking fields removed, and named) and report. */
  static byte[] body(AuditReport report) {
    ObjectNode doc = JSON.createObjectNode();
    doc.put("format", FORMAT);
    doc.put("workflowId", report.workflowId());
    doc.put("runId", report.runId());
    var input = JSON.valueToTree(report.input());
    List<String> removed = ReportLayout.redact(input);
    doc.set("input", input);
    if (!removed.isEmpty()) {
      doc.set("redacted", JSON.valueToTree(removed));
    }
    doc.set("report", JSON.valueToTree(report.report()));
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(doc);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
