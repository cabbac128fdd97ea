package io.pgrunbooks.ops.cli;

import java.util.regex.Pattern;

/** Quoting for the commands the CLI prints for people to copy. */
final class Shell {
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_.:/@%+=,-]+");

  private Shell() {}

  static String quote(String s) {
    if (s != null && SAFE.matcher(s).matches()) {
      return s;
    }
    return "'" + String.valueOf(s).replace("'", "'\"'\"'") + "'";
  }
}
