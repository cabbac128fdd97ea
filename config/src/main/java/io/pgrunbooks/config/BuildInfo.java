package io.pgrunbooks.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version of this build and the git commit it was built from, as every entry point prints
 * them for {@code --version}. The config module's build writes {@code build-info.properties}
 * (Maven's project version and {@code git rev-parse HEAD}); a build outside a git checkout
 * records the commit as {@code unknown}.
 *
 * @param version the Maven project version, one for every module
 * @param commit  the full git commit id, or {@code unknown}
 */
public record BuildInfo(String version, String commit) {
  static final String RESOURCE = "/io/pgrunbooks/config/build-info.properties";
  static final String UNKNOWN = "unknown";

  /** This build's version and commit, read from the generated resource. */
  public static BuildInfo current() {
    Properties p = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return of(p.getProperty("version"), p.getProperty("commit"));
  }

  /** Normalises what the build wrote: an unset Maven/Ant property or a failed git call becomes {@code unknown}. */
  static BuildInfo of(String version, String commit) {
    return new BuildInfo(clean(version, false), clean(commit, true));
  }

  private static String clean(String value, boolean hex) {
    if (value == null || value.isBlank() || value.contains("${")) {
      return UNKNOWN;
    }
    String v = value.strip();
    return hex && !v.matches("[0-9a-f]{7,64}") ? UNKNOWN : v;
  }

  /** The one line {@code --version} prints, e.g. {@code runbooks-worker 0.1.0 (commit 1a2b...)}. */
  public String line(String program) {
    return program + " " + version + " (commit " + commit + ")";
  }
}
