package io.pgrunbooks.workflows.activities;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where run reports live in the bucket, shared by the writer (an activity) and the readers (API, CLI):
 * {@code <prefix>/reports/<yyyy-MM-dd>/<runbook>/<cluster>/<HHmmssSSS>Z.<OUTCOME>.<runId>.<workflowId>.json}
 * (segments encoded by {@link #enc}: letters, digits, {@code _ -} kept, other bytes as {@code ~XX}). The
 * day is the run's finish day (UTC), so a date range is a set of prefixes; the run id and the finish time
 * (workflow time, the same on every retry) make one key per run.
 */
public final class ReportLayout {
  /** Cluster segment of a run without a cluster. */
  public static final String NO_CLUSTER = "_";
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HHmmssSSS");
  private static final Pattern KEY = Pattern.compile(
      "(\\d{4}-\\d{2}-\\d{2})/([\\w~-]+)/([\\w~-]+)/(\\d{9})Z\\.([A-Z_]+)\\.([\\w~-]+)\\.([\\w~-]+)\\.json");
  private static final Pattern SECRET = Pattern.compile("(?i).*(password|passwd|secret|token|apikey|api_key|credential).*");

  private ReportLayout() {}

  /** One report in a listing: its id (the key under {@link #root}) and what the key says about the run. */
  public record Entry(String id, LocalDate day, String runbook, String cluster, Instant finishedAt, String outcome,
                      String runId, String workflowId) {}

  /** {@code <prefix>/reports/} ({@code reports/} without a prefix). */
  public static String root(String archivePrefix) {
    return ArchiveLayout.root(archivePrefix) + "reports/";
  }

  /** The report's key under {@code root}: same run, same key. */
  public static String key(String root, AuditReport r) {
    Instant finished = r.report().finishedAt();
    LocalDate day = finished.atZone(ZoneOffset.UTC).toLocalDate();
    String cluster = r.report().cluster() == null || r.report().cluster().isBlank() ? NO_CLUSTER : r.report().cluster();
    return root + day + "/" + enc(r.report().runbook()) + "/" + enc(cluster) + "/"
        + TIME.format(finished.atZone(ZoneOffset.UTC)) + "Z." + r.report().outcome().name() + "." + enc(r.runId())
        + "." + enc(r.workflowId()) + ".json";
  }

  /** The listing prefix of one day, narrowed to a runbook (and then a cluster) when given. */
  public static String prefix(String root, LocalDate day, String runbook, String cluster) {
    String p = root + day + "/";
    if (runbook == null) {
      return p;
    }
    p += enc(runbook) + "/";
    return cluster == null ? p : p + enc(cluster) + "/";
  }

  /** The entry of a key under {@code root}, or null when the key is no report. */
  public static Entry parse(String root, String key) {
    if (key == null || !key.startsWith(root)) {
      return null;
    }
    String id = key.substring(root.length());
    Matcher m = KEY.matcher(id);
    if (!m.matches()) {
      return null;
    }
    LocalDate day = LocalDate.parse(m.group(1));
    LocalTime time = LocalTime.parse(m.group(4), TIME);
    return new Entry(id, day, dec(m.group(2)), dec(m.group(3)), day.atTime(time).toInstant(ZoneOffset.UTC),
        m.group(5), dec(m.group(6)), dec(m.group(7)));
  }

  /** True when {@code id} is a well-formed report id (what the readers accept before touching the bucket). */
  public static boolean isId(String id) {
    return id != null && KEY.matcher(id).matches();
  }

  /**
   * Removes, in place, every field whose name looks like a secret (password, secret, token, API key,
   * credential) and returns the names removed. Inputs carry none by design; this keeps a mistake in a
   * new input record out of a store nobody purges.
   */
  public static List<String> redact(JsonNode node) {
    List<String> removed = new ArrayList<>();
    redact(node, "", removed);
    return removed;
  }

  private static void redact(JsonNode node, String path, List<String> removed) {
    if (node instanceof ObjectNode obj) {
      Iterator<Map.Entry<String, JsonNode>> fields = obj.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> f = fields.next();
        if (SECRET.matcher(f.getKey()).matches()) {
          removed.add(path + f.getKey());
          fields.remove();
        } else {
          redact(f.getValue(), path + f.getKey() + ".", removed);
        }
      }
    } else if (node != null && node.isArray()) {
      for (JsonNode e : node) {
        redact(e, path, removed);
      }
    }
  }

  /**
   * Keeps {@code A-Z a-z 0-9 _ -} and writes every other UTF-8 byte as {@code ~XX}: ids are safe in a URL
   * path as they are (no percent sign a server would decode) and the dots between the parts stay unambiguous.
   */
  public static String enc(String s) {
    StringBuilder b = new StringBuilder();
    for (byte c : s.getBytes(StandardCharsets.UTF_8)) {
      if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-') {
        b.append((char) c);
      } else {
        b.append('~').append(String.format("%02X", c & 0xff));
      }
    }
    return b.toString();
  }

  static String dec(String s) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '~' && i + 2 < s.length()) {
        out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        out.write(c);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
