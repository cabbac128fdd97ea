package io.pgrunbooks.activities.s3;

/**
 * Object layout. Since issue 14 each run writes its own folder,
 * {@code <prefix>/<cluster>/<database>/<schema>/<parent>/<partition>/run-<runId>/data.csv.<gz|zst>} and
 * {@code manifest.json}, so a partition of the same name archived again never replaces an earlier archive.
 * Archives written before (the "old layout") sit directly in the partition folder and stay readable.
 */
public final class ArchiveKeys {
  private static final java.util.regex.Pattern RUN_ID = java.util.regex.Pattern.compile("[A-Za-z0-9-]{1,64}");

  private ArchiveKeys() {}

  /** The folder of one run's archive; the run id must be a plain token (it is part of a key). */
  public static String runFolder(String partitionFolder, String runId) {
    if (runId == null || !RUN_ID.matcher(runId).matches()) {
      throw new IllegalArgumentException("an archive needs the run id of its run for its location, got '" + runId + "'");
    }
    return partitionFolder + "run-" + runId + "/";
  }

  /** The folder holding every archive of every partition of one parent table. */
  public static String tableFolder(String prefix, String cluster, String database, String schema, String parent) {
    return root(prefix) + cluster + "/" + database + "/" + schema + "/" + parent + "/";
  }

  /** {@code <prefix>/} or empty without a prefix. */
  public static String root(String prefix) {
    return prefix == null || prefix.isBlank() ? "" : strip(prefix) + "/";
  }

  public static String folder(String prefix, String cluster, String database, String schema, String parent, String partition) {
    return root(prefix) + cluster + "/" + database + "/" + schema + "/" + parent + "/" + partition + "/";
  }

  public static String extension(String compression) {
    return "zstd".equals(compression) ? "zst" : "gz";
  }

  public static String data(String folder, String compression) {
    return folder + "data.csv." + extension(compression);
  }

  public static String manifest(String folder) {
    return folder + "manifest.json";
  }

  private static String strip(String prefix) {
    String s = prefix.strip();
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    while (s.startsWith("/")) {
      s = s.substring(1);
    }
    return s;
  }
}
