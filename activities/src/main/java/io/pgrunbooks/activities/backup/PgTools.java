package io.pgrunbooks.activities.backup;

import io.pgrunbooks.activities.ActivitySupport;
import io.pgrunbooks.activities.Lookups;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/** Finds the PostgreSQL client tools, runs them heartbeating, and drains what child processes say. */
final class PgTools {
  /** Failure type of a client tool (pg_restore, pg_amcheck) that exited with an error. */
  static final String RESTORE_FAILED = "RestoreFailed";
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

  /**
   * Runs a client tool to its end, heartbeating every 2 s; on cancellation or failure it (and its children) are
   * killed. A non-zero exit fails with type RestoreFailed, naming the tool and its last output (password masked);
   * {@code retryable} says whether the next attempt may do better.
   */
  static void runHeartbeating(List<String> cmd, String password, String name, Map<String, String> childEnv,
                              boolean retryable) {
    runHeartbeating(cmd, password, name, childEnv, retryable, null);
  }

  /**
   * What a child reads on its standard input, written on a thread of its own (interrupted when the child is killed);
   * the feeder closes the stream.
   */
  interface Feeder {
    void feed(OutputStream stdin) throws IOException;
  }

  /**
   * {@link #runHeartbeating(List, String, String, Map, boolean)} with {@code feeder} writing the child's standard
   * input. A failure of the feeder (a changed dump, say) is reported before the child's own exit status: the child
   * only saw what the feeder gave it.
   */
  static void runHeartbeating(List<String> cmd, String password, String name, Map<String, String> childEnv,
                              boolean retryable, Feeder feeder) {
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().putAll(childEnv);
    if (password != null) {
      pb.environment().put("PGPASSWORD", password);
    }
    pb.redirectErrorStream(true);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Tail output = new Tail(p.getInputStream(), name + "-output");
    AtomicReference<Throwable> feedFailure = new AtomicReference<>();
    Thread input = feeder == null ? null : new Thread(() -> {
      try {
        feeder.feed(p.getOutputStream());
      } catch (IOException | RuntimeException e) {
        feedFailure.set(e);
      }
    }, name + "-input");
    if (input != null) {
      input.setDaemon(true);
      input.start();
    }
    try {
      long t0 = System.nanoTime();
      while (!p.waitFor(2, TimeUnit.SECONDS) && feedFailure.get() == null) {
        Activity.getExecutionContext().heartbeat(name + " running " + (System.nanoTime() - t0) / 1_000_000_000 + " s");
      }
      while (input != null && input.isAlive() && feedFailure.get() == null) {
        input.join(2000);
        Activity.getExecutionContext().heartbeat(name + " ended; its input is still being read to its end");
      }
      Throwable failed = feedFailure.get();
      if (failed instanceof RuntimeException r) {
        throw r;
      } else if (failed != null) {
        throw new UncheckedIOException(name + " input: " + failed.getMessage(), (IOException) failed);
      }
      if (p.exitValue() != 0) {
        String message = name + " failed (exit " + p.exitValue() + "): " + output.text(password);
        throw retryable ? ApplicationFailure.newFailure(message, RESTORE_FAILED)
            : ApplicationFailure.newNonRetryableFailure(message, RESTORE_FAILED);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop(p, input);
      throw new IllegalStateException(name + " interrupted", e);
    } catch (RuntimeException e) {
      stop(p, input);
      throw e;
    }
  }

  /** Kills the child and its children, and tells its feeder to stop reading. */
  private static void stop(Process p, Thread input) {
    ActivitySupport.killTree(p);
    if (input != null) {
      input.interrupt();
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
