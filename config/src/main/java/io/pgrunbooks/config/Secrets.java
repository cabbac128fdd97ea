package io.pgrunbooks.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/** Reads a secret from the environment variable or file a config entry names. */
final class Secrets {
  private Secrets() {}

  static String resolve(String what, String envName, String file, Map<String, String> env) {
    if (envName != null) {
      String value = env.get(envName);
      if (value == null || value.isEmpty()) {
        throw new IllegalStateException(
            what + ": environment variable " + envName + " is " + (value == null ? "not set" : "empty"));
      }
      return value;
    }
    if (file != null) {
      try {
        return stripTrailingNewlines(Files.readString(Path.of(file)));
      } catch (IOException | RuntimeException e) {
        throw new IllegalStateException(what + ": cannot read " + file + " (" + reason(e) + ")", e);
      }
    }
    return null;
  }

  static String reason(Exception e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }

  private static String stripTrailingNewlines(String s) {
    int end = s.length();
    while (end > 0 && (s.charAt(end - 1) == '\n' || s.charAt(end - 1) == '\r')) {
      end--;
    }
    return s.substring(0, end);
  }
}
