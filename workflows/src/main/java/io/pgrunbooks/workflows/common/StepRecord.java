package io.pgrunbooks.workflows.common;

import java.time.Instant;

/**
 * One step of a run as the report and the {@code progress} query show it.
 *
 * @param status RUNNING, DONE, FAILED or SKIPPED
 * @param detail one line a person can read: what was found or done, or why it failed
 */
public record StepRecord(String name, String status, Instant start, Instant end, String detail) {
  public static final String RUNNING = "RUNNING";
  public static final String DONE = "DONE";
  public static final String FAILED = "FAILED";
  public static final String SKIPPED = "SKIPPED";

  StepRecord finish(String newStatus, Instant at, String newDetail) {
    return new StepRecord(name, newStatus, start, at, newDetail);
  }
}
