package io.pgrunbooks.ops.stack;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Process, port and file helpers shared by the servers of the local stack. Only {@link
 * #deleteTree} is public: it removes a stack directory even when the postgres OS user owns files in it.
 */
public final class Processes {
  private Processes() {}

  /** Exit code, stdout and stderr of a finished command. */
  record Result(int exitCode, String stdout, String stderr) {
    boolean ok() {
      return exitCode == 0;
    }

    /** Both streams, for error messages. */
    String output() {
      return stderr.isEmpty() ? stdout : stdout + (stdout.isEmpty() ? "" : "\n") + stderr;
    }
  }

  /** Runs a command to completion; output goes through files so a chatty child never blocks. */
  static Result run(List<String> command, Path workDir, Map<String, String> env, Duration timeout) {
    Path out = null;
    Path err = null;
    try {
      out = Files.createTempFile("runbooks-cmd-", ".out");
      err = Files.createTempFile("runbooks-cmd-", ".err");
      ProcessBuilder pb = new ProcessBuilder(command)
          .redirectOutput(out.toFile())
          .redirectError(err.toFile());
      if (workDir != null) {
        pb.directory(workDir.toFile());
      }
      sanitize(pb.environment()).putAll(env);
      Process p = pb.start();
      p.getOutputStream().close();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        killTree(p.toHandle(), Duration.ofSeconds(2));
        throw new IllegalStateException("timed out after " + timeout + ": " + String.join(" ", command)
            + "\n" + Files.readString(out, StandardCharsets.UTF_8) + Files.readString(err, StandardCharsets.UTF_8));
      }
      return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
    } finally {
      if (out != null) {
        deleteQuietly(out);
      }
      if (err != null) {
        deleteQuietly(err);
      }
    }
  }

  /** {@link #run} that throws, with the command's output, when it exits non-zero. */
  static String runChecked(List<String> command, Path workDir, Map<String, String> env, Duration timeout) {
    Result r = run(command, workDir, env, timeout);
    if (!r.ok()) {
      throw new IllegalStateException("command failed (exit " + r.exitCode() + "): "
          + String.join(" ", command) + "\n" + r.output());
    }
    return r.output();
  }

  /**
   * Drops inherited PG* and TEMPORAL_* variables: a developer's PGPORT or TEMPORAL_ADDRESS must
   * not redirect the stack's own tools.
   */
  static Map<String, String> sanitize(Map<String, String> env) {
    env.keySet().removeIf(k -> k.startsWith("PG") || k.startsWith("TEMPORAL_"));
    return env;
  }

  /** Starts a long-running child with its output appended to {@code log}. */
  static Process startDaemon(List<String> command, Path workDir, Path log) {
    try {
      ProcessBuilder pb = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      if (workDir != null) {
        pb.directory(workDir.toFile());
      }
      sanitize(pb.environment());
      return pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + String.join(" ", command), e);
    }
  }

  /**
   * SIGTERM to the process tree, leaves first, then SIGKILL whatever is left after {@code grace}.
   * Leaves first because a wrapper such as runuser, signalled itself, sleeps two seconds before
   * killing its child; when the child exits on its own the wrapper exits at once.
   */
  static void killTree(ProcessHandle root, Duration grace) {
    List<ProcessHandle> descendants = root.descendants().toList();
    List<ProcessHandle> all = new ArrayList<>(descendants);
    all.add(root);
    if (!descendants.isEmpty()) {
      descendants.forEach(ProcessHandle::destroy);
      awaitExit(all, grace);
    }
    if (root.isAlive()) {
      root.destroy();
    }
    if (!awaitExit(all, grace)) {
      all.forEach(ProcessHandle::destroyForcibly);
      awaitExit(all, Duration.ofSeconds(5));
    }
  }

  /**
   * SIGTERM to the root only, for a supervisor that stops its own children (Patroni stops its PostgreSQL, fast),
   * then SIGKILL to whatever of the tree is left after {@code grace}. {@link #killTree}'s leaves first would put
   * PostgreSQL into a smart shutdown under a Patroni that never exits by itself: the whole grace, every time.
   */
  static void terminateSupervisor(ProcessHandle root, Duration grace) {
    List<ProcessHandle> all = new ArrayList<>(root.descendants().toList());
    all.add(root);
    root.destroy();
    if (!awaitExit(all, grace)) {
      all.forEach(ProcessHandle::destroyForcibly);
      awaitExit(all, Duration.ofSeconds(5));
    }
  }

  /** SIGKILL to the process and its descendants at once, as a crash would. */
  static void killTreeForcibly(ProcessHandle root) {
    List<ProcessHandle> all = new ArrayList<>(root.descendants().toList());
    root.destroyForcibly();
    all.forEach(ProcessHandle::destroyForcibly);
    all.add(root);
    awaitExit(all, Duration.ofSeconds(10));
  }

  /**
   * Waits until none of the processes is alive. Polls instead of {@code onExit()}: for processes
   * that are not our children (a postmaster started by pg_ctl) the JDK notices exits with delays of
   * up to seconds.
   */
  static boolean awaitExit(List<ProcessHandle> handles, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (handles.stream().anyMatch(Processes::isLive)) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      sleep(Duration.ofMillis(20));
    }
    return true;
  }

  /**
   * Alive and not a zombie. An orphan (a postmaster after pg_ctl exits) is reaped by PID 1, which
   * in some containers does so only every second or two; a zombie holds no port, file or memory.
   */
  public static boolean isLive(ProcessHandle process) {
    if (!process.isAlive()) {
      return false;
    }
    try {
      String stat = Files.readString(Path.of("/proc", String.valueOf(process.pid()), "stat"));
      // The state follows the command name, which is in parentheses and may contain spaces.
      return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
    } catch (IOException | RuntimeException e) {
      return process.isAlive();
    }
  }

  /** True when something accepts TCP connections on 127.0.0.1:port. */
  static boolean accepts(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** True when 127.0.0.1:port can be bound right now. */
  static boolean portIsFree(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The last {@code lines} lines of a log file, or a note that it does not exist. */
  static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (NoSuchFileException e) {
      return "(no log at " + file + ")";
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e + ")";
    } catch (RuntimeException e) {
      // A log with invalid UTF-8 (server messages in another encoding) is still worth showing.
      try {
        String s = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        return s.substring(Math.max(0, s.length() - 4000));
      } catch (IOException io) {
        return "(cannot read " + file + ": " + io + ")";
      }
    }
  }

  static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Deletes a directory tree if it exists; files vanishing during the walk (sockets, pid files) are fine. */
  public static void deleteTree(Path root) {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.deleteIfExists(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException exc) {
          // A server may remove its socket or pid file while we walk.
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
          Files.deleteIfExists(dir);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + root, e);
    }
  }

  static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // A leftover temp file is not worth failing a command for.
    }
  }
}
