package io.pgrunbooks.activities.node;

import static io.pgrunbooks.activities.ActivitySupport.heartbeat;

import io.pgrunbooks.activities.ActivitySupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Runs host commands for the node agent: as the node's {@code runAs} user (through {@code runuser} when the
 * agent is root), heartbeating while they run, keeping the tail of their output for the report.
 */
final class HostCommands {
  static final int TAIL_LINES = 20;
  private static final Path RUNUSER = Path.of("/usr/sbin/runuser");

  private HostCommands() {}

  /** Exit code and the last lines of stdout+stderr (progress lines split on CR too). */
  record Result(int exitCode, String tail) {
    boolean ok() {
      return exitCode == 0;
    }
  }

  static boolean root() {
    return "root".equals(System.getProperty("user.name"));
  }

  /** {@code command} run as {@code user}: unchanged when the agent already is that user or is not root. */
  static List<String> as(String user, List<String> command) {
    if (!root() || user == null || user.equals("root")) {
      return List.copyOf(command);
    }
    List<String> out = new ArrayList<>(List.of(RUNUSER.toString(), "-u", user, "--"));
    out.addAll(command);
    return out;
  }

  /**
   * Runs {@code command} and waits at most {@code timeoutSeconds}, heartbeating every 2 s; {@code onLine} sees
   * every output line. A command that outlives the timeout is killed (exit -1).
   */
  static Result run(List<String> command, Map<String, String> env, long timeoutSeconds, Consumer<String> onLine) {
    return run(command, env, timeoutSeconds, onLine, line -> null);
  }

  /**
   * Like {@link #run(List, Map, long, Consumer)}, and {@code progress} turns an output line into heartbeat details
   * (null: the line says nothing about progress). The latest details are heartbeated from the calling thread,
   * the activity's: output is read on another thread, which has no activity context to heartbeat from.
   *
   * <p>Whatever ends the wait other than the command's own exit (the timeout, an interrupt, a heartbeat that throws
   * because the activity timed out or was cancelled) kills the command and everything it started before returning
   * or rethrowing: a retry must not find the previous attempt's pg_rewind still writing into the same directory.
   */
  static Result run(List<String> command, Map<String, String> env, long timeoutSeconds, Consumer<String> onLine,
                    Function<String, ?> progress) {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().putAll(env);
    Deque<String> tail = new ArrayDeque<>();
    AtomicReference<Object> latest = new AtomicReference<>();
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      return new Result(127, "cannot run " + command.get(0) + ": " + e.getMessage());
    }
    boolean reaped = false;
    try {
      Thread reader = new Thread(() -> read(p.getInputStream(), line -> {
        synchronized (tail) {
          tail.addLast(line);
          if (tail.size() > TAIL_LINES) {
            tail.removeFirst();
          }
        }
        onLine.accept(line);
        Object details = progress.apply(line);
        if (details != null) {
          latest.set(details);
        }
      }), "output-" + command.get(0));
      reader.setDaemon(true);
      reader.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
      while (!p.waitFor(2, TimeUnit.SECONDS)) {
        heartbeat(latest.get());
        if (System.nanoTime() > deadline) {
          ActivitySupport.killTree(p);
          reaped = true;
          reader.join(2000);
          return new Result(-1, tailText(tail) + "\n(killed after " + timeoutSeconds + " s)");
        }
      }
      reaped = true;
      reader.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, tailText(tail) + "\n(interrupted)");
    } finally {
      if (!reaped) {
        ActivitySupport.killTree(p);
      }
    }
    return new Result(p.exitValue(), tailText(tail));
  }

  static Result run(List<String> command, long timeoutSeconds) {
    return run(command, Map.of(), timeoutSeconds, line -> { });
  }

  /**
   * Kills every process whose command line mentions {@code path}, as an argument of its own or as an option's value
   * ({@code --pg1-path=<path>}: a pgbackrest restore left running by an agent that was killed), then waits for them
   * to go; returns how many there were.
   */
  static int killProcessesUsing(String path) {
    heartbeat(new LocalWork("kill processes using " + path, 0));
    long self = ProcessHandle.current().pid();
    List<ProcessHandle> found = ProcessHandle.allProcesses()
        .filter(h -> h.pid() != self)
        .filter(h -> h.info().arguments().map(a -> List.of(a).stream()
                .anyMatch(arg -> arg.equals(path) || arg.endsWith("=" + path))).orElse(false)
            || h.info().commandLine().map(c -> c.contains(" " + path + " ") || c.endsWith(" " + path)
                || c.contains("=" + path + " ") || c.endsWith("=" + path)).orElse(false))
        .toList();
    found.forEach(ProcessHandle::destroyForcibly);
    int waited = 0;
    for (ProcessHandle h : found) {
      // Waits in short slices with a heartbeat each: a process in uninterruptible I/O can take a while to go.
      for (int slice = 0; slice < 5 && h.isAlive(); slice++) {
        heartbeat(new LocalWork("kill processes using " + path, waited));
        try {
          h.onExit().get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
          // reaped later by PID 1; the process no longer writes once SIGKILL landed
        }
      }
      waited++;
    }
    return found.size();
  }

  /** Heartbeat details of local work that prints nothing (deleting a tree, waiting for killed processes). */
  record LocalWork(String what, long done) {}

  /** Files deleted between two heartbeats; the SDK throttles what it actually sends. */
  static final int HEARTBEAT_EVERY_FILES = 500;

  /**
   * Deletes {@code root} and everything under it, heartbeating before it starts and every
   * {@value #HEARTBEAT_EVERY_FILES} files: a data directory of millions of files takes longer than the
   * activity's heartbeat timeout, and a healthy delete must not look like a dead agent. Streams the tree
   * (no list of every path in memory first).
   */
  static void deleteTree(Path root) {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    String what = "delete " + root;
    heartbeat(new LocalWork(what, 0));
    long[] done = {0};
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.deleteIfExists(file);
          if (++done[0] % HEARTBEAT_EVERY_FILES == 0) {
            heartbeat(new LocalWork(what, done[0]));
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
          if (e != null) {
            throw e;
          }
          Files.deleteIfExists(dir);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + root, e);
    }
    heartbeat(new LocalWork(what, done[0]));
  }

  /** Kills {@code p} and its descendants (runuser forks, pg_restore and pg_basebackup have children), then waits. */
  /** Makes {@code path} owned by {@code user} (and its group) when the agent is root; no-op otherwise. */
  static void chown(Path path, String user) {
    if (!root() || user == null || user.equals("root")) {
      return;
    }
    try {
      UserPrincipalLookupService users = path.getFileSystem().getUserPrincipalLookupService();
      PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
      view.setOwner(users.lookupPrincipalByName(user));
      try {
        view.setGroup(users.lookupPrincipalByGroupName(user));
      } catch (IOException noSuchGroup) {
        // a user without a same-named group keeps root's group; PostgreSQL only checks the owner
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot chown " + path + " to " + user, e);
    }
  }

  /** Reads output splitting on LF and CR (pg_basebackup -P redraws its progress line with CR). */
  private static void read(InputStream in, Consumer<String> onLine) {
    StringBuilder line = new StringBuilder();
    byte[] buf = new byte[8192];
    try (in) {
      int n;
      while ((n = in.read(buf)) > 0) {
        String chunk = new String(buf, 0, n, StandardCharsets.UTF_8);
        for (char c : chunk.toCharArray()) {
          if (c == '\n' || c == '\r') {
            if (line.length() > 0) {
              onLine.accept(line.toString());
              line.setLength(0);
            }
          } else {
            line.append(c);
          }
        }
      }
    } catch (IOException e) {
      // the process ended
    }
    if (line.length() > 0) {
      onLine.accept(line.toString());
    }
  }

  private static String tailText(Deque<String> tail) {
    synchronized (tail) {
      return String.join("\n", tail);
    }
  }
}
