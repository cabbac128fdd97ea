package io.pgrunbooks.config;

import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.regex.Pattern;

/** Field checks shared by the validators; each reports {@code path: problem} into {@link Problems}. */
final class Checks {
  /** Names that end up in task queue names and workflow ids. */
  static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+");

  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private Checks() {}

  static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  /** Roles the API grants are signed as one comma-joined list with each decision: no commas or line breaks. */
  static void signableRoles(Problems p, String path, java.util.List<String> roles) {
    if (roles == null) {
      return;
    }
    for (String role : roles) {
      if (role != null && (role.contains(",") || role.contains("\n") || role.contains("\r"))) {
        p.add(path, "role '" + role.replace("\n", "\\n").replace("\r", "\\r") + "' holds a comma or line"
            + " break; the API signs roles as one comma-joined list with each decision, so use plain words");
      }
    }
  }

  static boolean required(Problems p, String path, String value) {
    if (blank(value)) {
      p.add(path, "is required");
      return false;
    }
    return true;
  }

  static void nonBlankIfSet(Problems p, String path, String value) {
    if (value != null && value.isBlank()) {
      p.add(path, "must not be empty");
    }
  }

  static void port(Problems p, String path, int port) {
    if (port < 1 || port > 65535) {
      p.add(path, "must be 1-65535, got " + port);
    }
  }

  static void portOrOff(Problems p, String path, int port) {
    if (port < 0 || port > 65535) {
      p.add(path, "must be 1-65535, or 0 for off, got " + port);
    }
  }

  static void positive(Problems p, String path, Duration d) {
    if (d != null && (d.isNegative() || d.isZero())) {
      p.add(path, "must be positive, got " + Durations.format(d));
    }
  }

  static void envName(Problems p, String path, String name) {
    if (name != null && !ENV_NAME.matcher(name).matches()) {
      p.add(path, "\"" + name + "\" is not an environment variable name");
    }
  }

  static void notBoth(Problems p, String path, String a, String aName, String b, String bName) {
    if (a != null && b != null) {
      p.add(Problems.child(path, bName), "set either " + aName + " or " + bName + ", not both");
    }
  }

  static void httpUrl(Problems p, String path, String url) {
    if (url == null) {
      return;
    }
    try {
      URI uri = new URI(url);
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
        p.add(path, "\"" + url + "\" is not an http(s) URL");
      }
    } catch (Exception e) {
      p.add(path, "\"" + url + "\" is not an http(s) URL");
    }
  }

  static void oneOf(Problems p, String path, String value, Collection<String> allowed, String what) {
    if (value != null && !allowed.contains(value)) {
      p.add(path, "unknown " + what + " \"" + value + "\" (known: " + String.join(", ", allowed) + ")");
    }
  }
}
