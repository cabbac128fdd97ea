package io.pgrunbooks.activities.backup;

import io.pgrunbooks.activities.Lookups;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Finds the PostgreSQL client tools and drains what child processes say on stderr. */
final class PgTools {
  private final Path binDir;

  PgTools(String configured) {
    this.binDir = configured != null ? Path.of(configured) : find();
  }

  /** The tool's path; ConfigError naming where it looked when it is missing. */
  Path tool(String name) {
    Path p = binDir == null ? null : binDir.resolve(name);
    if (p == null || !Files.isExecutable(p)) {
      throw Lookups.config(name + " not found (looked in " + (binDir == null ? "PATH and /usr/lib/postgresql/*/bin"
          : binDir) + "); install it with: apt-get install -y postgresql-client-15, or set backup.pgBinDir");
    }
    return p;
  }

  boolean has(String name) {
    return binDir != null && Files.isExecutable(binDir.resolve(name));
  }

  private static Path find() {
    Path newestInstalled = newestInstalled();
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "pg_restore")) && Files.isExecutable(Path.of(dir, "pg_dump"))) {
        Path real = Path.of(dir, "pg_dump");
        try {
          real = real.toRealPath();
        } catch (IOException ignored) {
          // keep the PATH entry
        }
        if (real.getParent().getFileName().toString().equals("bin") && Files.isExecutable(real.getParent().resolve("pg_restore"))) {
          return real.getParent();
        }
        // Debian's PATH entries link to pg_wrapper, which runs the newest installed client; its bin dir
        // also has pg_amcheck, which the wrappers in /usr/bin do not provide.
        return newestInstalled != null ? newestInstalled : Path.of(dir);
      }
    }
    return newestInstalled;
  }

  /** The newest {@code /usr/lib/postgresql/<major>/bin} with pg_dump, or null. */
  private static Path newestInstalled() {
    Path lib = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(lib)) {
      return null;
    }
    try (Stream<Path> versions = Files.list(lib)) {
      return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("pg_dump")))
          .max(Comparator.comparing(b -> versionOf(b.getParent().getFileName().toString()))).orElse(null);
    } catch (IOException e) {
      return null;
    }
  }

  private static int versionOf(String s) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** Runs a short command and returns its stdout; failure when it exits non-zero. */
  static String output(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (p.waitFor() != 0) {
        throw new IllegalStateException(command.get(0) + " failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Keeps the last lines a child wrote to a stream, on a daemon thread, so it never blocks on a full pipe. */
  static final class Tail {
    private final List<String> lines = new ArrayList<>();
    private final Thread thread;

    Tail(InputStream in, String name) {
      thread = new Thread(() -> {
        try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(in, StandardCharsets.UTF_8))) {
          String line;
          while ((line = r.readLine()) != null) {
            synchronized (lines) {
              lines.add(line);
              if (lines.size() > 40) {
                lines.remove(0);
              }
            }
          }
        } catch (IOException ignored) {
          // the process ended
        }
      }, name);
      thread.setDaemon(true);
      thread.start();
    }

    String text(String secret) {
      try {
        thread.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      synchronized (lines) {
        String t = String.join("\n", lines).strip();
        return secret == null || secret.isEmpty() ? t : t.replace(secret, "***");
      }
    }
  }
}
