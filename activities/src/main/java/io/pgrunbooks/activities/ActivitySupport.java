package io.pgrunbooks.activities;

import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;

/** What every activity implementation needs for waiting and reporting, in one place. */
public final class ActivitySupport {
  private ActivitySupport() {}

  /** Heartbeats {@code details}; a no-op outside an activity (tests, tools call implementations directly). */
  public static void heartbeat(Object details) {
    try {
      Activity.getExecutionContext().heartbeat(details);
    } catch (IllegalStateException notInActivity) {
      // nobody to tell
    }
  }

  /**
   * Sleeps between attempts. An interrupt (the worker shutting down) ends this attempt with a retryable failure of
   * {@code failureType}, so the retry, on this worker or another, starts over.
   */
  public static void pause(long millis, String failureType) {
    try {
      Thread.sleep(Math.max(0, millis));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApplicationFailure.newFailure("interrupted while waiting", failureType);
    }
  }

  /** The first line of an exception message (PostgreSQL and tools add detail and hint lines). */
  public static String firstLine(String message) {
    return message == null ? "unknown error" : message.lines().findFirst().orElse(message).strip();
  }

  /**
   * Kills {@code p} and everything it started, then waits up to 10 s for it. Descendants first: once the parent is
   * gone they are reparented and no longer found through it.
   */
  public static void killTree(Process p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
    try {
      p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
