package io.pgrunbooks.activities.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgrunbooks.workflows.physicalbackup.PgBackRestBackup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Reads {@code pgbackrest info --output=json} (2.45): the backups of one stanza, oldest first. */
final class PgBackRestInfo {
  /** The annotation key carrying the run that took a backup. */
  static final String RUN_ANNOTATION = "pg-runbooks-run";
  /** The annotation key a passed restore drill leaves on the backup it restored. */
  static final String DRILL_ANNOTATION = "pg-runbooks-drill";
  private static final ObjectMapper JSON = new ObjectMapper();

  private PgBackRestInfo() {}

  /** The backups of {@code stanza} in {@code json}; empty when the stanza has none (or is not in the output). */
  static List<PgBackRestBackup> backups(String json, String stanza) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException("pgbackrest info printed no JSON: " + json, e);
    }
    List<PgBackRestBackup> out = new ArrayList<>();
    for (JsonNode s : root) {
      if (!stanza.equals(s.path("name").asText())) {
        continue;
      }
      for (JsonNode b : s.path("backup")) {
        List<String> refs = new ArrayList<>();
        b.path("reference").forEach(r -> refs.add(r.asText()));
        out.add(new PgBackRestBackup(b.path("label").asText(), b.path("type").asText(),
            b.path("timestamp").path("start").asLong(), b.path("timestamp").path("stop").asLong(),
            b.path("info").path("size").asLong(), b.path("info").path("repository").path("delta").asLong(),
            b.path("archive").path("start").asText(null), b.path("archive").path("stop").asText(null), refs,
            annotation(b, RUN_ANNOTATION), annotation(b, DRILL_ANNOTATION)));
      }
    }
    return out;
  }

  private static String annotation(JsonNode backup, String key) {
    JsonNode a = backup.path("annotation").path(key);
    return a.isMissingNode() || a.isNull() ? null : a.asText();
  }

  /** The status message of the stanza ({@code ok}, {@code missing stanza path}, ...), or null when absent. */
  static String status(String json, String stanza) {
    try {
      for (JsonNode s : JSON.readTree(json)) {
        if (stanza.equals(s.path("name").asText())) {
          return s.path("status").path("message").asText(null);
        }
      }
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException("pgbackrest info printed no JSON: " + json, e);
    }
  }
}
