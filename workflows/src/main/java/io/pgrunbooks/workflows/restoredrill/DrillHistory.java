package io.pgrunbooks.workflows.restoredrill;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgrunbooks.workflows.activities.ArchiveLayout;
import io.pgrunbooks.workflows.common.DataConverters;
import java.io.UncheckedIOException;
import io.pgrunbooks.workflows.activities.ReportLayout;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Where the drill history lives in the archive bucket, shared by the writer (an activity) and the reader (the API):
 * {@code <prefix>/.pg-runbooks/restore-drills/<cluster>/<yyyyMMdd'T'HHmmssSSS>Z.<runId>.json}, one object per drill.
 * The run's start time and run id make the key, so a retried write replaces its own object; keys sort by time.
 * Segments are encoded like the report keys ({@link ReportLayout#enc}).
 */
public final class DrillHistory {
  /** Format of a stored record; readers skip other values. */
  public static final String FORMAT = "pg-runbooks-restore-drill/1";
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'")
      .withZone(ZoneOffset.UTC);

  private DrillHistory() {}

  /** The folder of one cluster's drills. */
  public static String folder(String archivePrefix, String cluster) {
    return ArchiveLayout.root(archivePrefix) + ".pg-runbooks/restore-drills/" + ReportLayout.enc(cluster) + "/";
  }

  /** The stored JSON of {@code r}: {@code format} and the record's fields. */
  public static byte[] json(DrillRecord r) {
    ObjectMapper mapper = DataConverters.objectMapper();
    ObjectNode doc = mapper.createObjectNode();
    doc.put("format", FORMAT);
    doc.setAll((ObjectNode) mapper.valueToTree(r));
    try {
      return mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(doc);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The key of {@code r}: same run, same key. */
  public static String key(String archivePrefix, DrillRecord r) {
    return folder(archivePrefix, r.cluster()) + TIME.format(Instant.parse(r.startedAt())) + "."
        + ReportLayout.enc(r.runId()) + ".json";
  }
}
