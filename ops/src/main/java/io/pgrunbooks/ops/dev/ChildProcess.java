package io.pgrunbooks.ops.dev;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A JVM child process (worker, node agent, API) with its own log file. {@link #stop()} asks it to
 * shut down gracefully (SIGTERM runs its shutdown hooks) and kills it after a grace period;
 * {@link #kill()} is SIGKILL, for crash tests.
 */
public final class ChildProcess implements AutoCloseable {
  private final String name;
  private final Path log;
  private final Process process;

  private ChildProcess(String name, Path log, Process process) {
    this.name = name;
    this.log = log;
    this.process = process;
  }

  /**
   * Starts {@code java -cp <classpath> <mainClass> <args>} with {@code env} added to this process's
   * environment, output appended to {@code log}.
   */
  public static ChildProcess startJava(String name, String classpath, String mainClass, List<String> args,
                                       Map<String, String> env, Path log) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    command.add("-cp");
    command.add(classpath);
    command.add(mainClass);
    command.addAll(args);
    return start(name, command, env, log);
  }

  /** Starts {@code command} with {@code env} added to this process's environment, output appended to {@code log}. */
  public static ChildProcess start(String name, List<String> command, Map<String, String> env, Path log) {
    try {
      Files.createDirectories(log.getParent());
      ProcessBuilder pb = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      pb.environment().putAll(env);
      return new ChildProcess(name, log, pb.start());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + ": " + e.getMessage(), e);
    }
  }

  public String name() {
    return name;
  }

  public Path log() {
    return log;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The log's text so far (empty when none). */
  public String logText() {
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }

  /** Waits until the log contains {@code marker}; fails with the log tail if the process dies or time runs out. */
  public void awaitLog(String marker, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (logText().contains(marker)) {
        return;
      }
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with code " + process.exitValue() + ":\n" + tail());
      }
      sleep(100);
    }
    throw new IllegalStateException(name + " did not log '" + marker + "' within " + timeout + ":\n" + tail());
  }

  public String tail() {
    String text = logText();
    return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
  }

  /** SIGTERM, then SIGKILL after 30 s. */
  public void stop() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        kill();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill();
    }
  }

  /** SIGKILL, no shutdown hooks: a crashed host. */
  public void kill() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public int waitFor(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException(name + " still running after " + timeout);
    }
    return process.exitValue();
  }

  @Override
  public void close() {
    stop();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
