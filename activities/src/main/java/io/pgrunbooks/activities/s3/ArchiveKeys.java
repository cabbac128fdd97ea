package io.pgrunbooks.activities.s3;

/** Object layout: {@code <prefix>/<cluster>/<database>/<schema>/<parent>/<partition>/data.csv.<gz|zst>} and {@code manifest.json}. */
public final class ArchiveKeys {
  private ArchiveKeys() {}

  public static String folder(String prefix, String cluster, String database, String schema, String parent, String partition) {
    String p = prefix == null || prefix.isBlank() ? "" : strip(prefix) + "/";
    return p + cluster + "/" + database + "/" + schema + "/" + parent + "/" + partition + "/";
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
