package io.pgrunbooks.workflows.activities;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where archives live in the bucket and which keys may be read, shared by the activities, the CLI and
 * the API (pure: the caller does the S3 calls). Keys under {@code <prefix>/}:
 * {@code <cluster>/<database>/<schema>/<parent>/<partition>/run-<runId>/manifest.json} (since issue 14)
 * and {@code <cluster>/<database>/<schema>/<parent>/<partition>/manifest.json} (the legacy layout).
 */
public final class ArchiveLayout {
  private static final Pattern MANIFEST = Pattern.compile(
      "([^/]+)/([^/]+)/([^/]+)/([^/]+)/([^/]+)/(?:run-([A-Za-z0-9-]+)/)?manifest\\.json");

  private ArchiveLayout() {}

  /** {@code <prefix>/} or empty without a prefix. */
  public static String root(String prefix) {
    String s = prefix == null ? "" : prefix.strip();
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    while (s.startsWith("/")) {
      s = s.substring(1);
    }
    return s.isEmpty() ? "" : s + "/";
  }

  /** A manifest key's parts, or null when {@code key} is no manifest under {@code root}. */
  public static Parsed parse(String root, String key) {
    if (key == null || !key.startsWith(root)) {
      return null;
    }
    Matcher m = MANIFEST.matcher(key.substring(root.length()));
    if (!m.matches()) {
      return null;
    }
    return new Parsed(m.group(1), m.group(2), m.group(3), m.group(4), m.group(5), m.group(6));
  }

  /**
   * Null when {@code key} is a manifest key RestorePartition may read (inside the configured prefix, no
   * {@code ..}, no other bucket); otherwise why not.
   */
  public static String refusal(String bucket, String root, String key) {
    if (key == null || key.isBlank()) {
      return "no manifest key";
    }
    String k = key.strip();
    if (k.startsWith("s3://")) {
      String own = "s3://" + bucket + "/";
      if (!k.startsWith(own)) {
        return k + " is not in the configured archive bucket " + bucket;
      }
      k = k.substring(own.length());
    }
    if (k.contains("..") || k.contains("//") || k.startsWith("/") || k.contains("\\")) {
      return "manifest key " + key + " contains '..', '//' or a leading '/'; only plain keys are read";
    }
    if (parse(root, k) == null) {
      return "manifest key " + key + " is not an archive manifest under the configured prefix '" + root
          + "' (<cluster>/<database>/<schema>/<parent>/<partition>/[run-<id>/]manifest.json)";
    }
    return null;
  }

  /** The bare key of an accepted manifest key ({@code s3://bucket/} stripped). */
  public static String bareKey(String bucket, String key) {
    String k = key.strip();
    String own = "s3://" + bucket + "/";
    return k.startsWith(own) ? k.substring(own.length()) : k;
  }

  /** The prefix to list for the archives of {@code schema.name} in one cluster and database. */
  public static String listPrefix(String root, String cluster, String database, String table) {
    String schema = table.substring(0, table.indexOf('.'));
    return root + cluster + "/" + database + "/" + schema + "/";
  }

  /**
   * The archives of {@code table} (a partition or its parent), newest first: {@code keys} lists the
   * bucket under {@link #listPrefix}, {@code read} reads one manifest (null when unreadable).
   */
  public static List<ArchiveEntry> archivesOf(String root, String cluster, String database, String table,
                                              List<String> keys, Function<String, ArchiveManifest> read) {
    String schema = table.substring(0, table.indexOf('.'));
    String name = table.substring(table.indexOf('.') + 1);
    List<ArchiveEntry> out = new ArrayList<>();
    for (String key : keys) {
      Parsed p = parse(root, key);
      if (p == null || !p.cluster().equals(cluster) || !p.database().equals(database) || !p.schema().equals(schema)
          || !(p.parent().equals(name) || p.partition().equals(name))) {
        continue;
      }
      ArchiveManifest m = read.apply(key);
      if (m != null) {
        out.add(ArchiveEntry.of(key, p.runId() == null ? "legacy" : "run", m));
      }
    }
    out.sort(Comparator.comparing(ArchiveEntry::archivedAt, Comparator.nullsLast(Comparator.reverseOrder()))
        .thenComparing(ArchiveEntry::manifestKey));
    return out;
  }

  /** The parts of a manifest key; {@code runId} null in the legacy layout. */
  public record Parsed(String cluster, String database, String schema, String parent, String partition, String runId) {}
}
