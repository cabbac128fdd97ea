package io.pgrunbooks.workflows.replay;

import io.temporal.testing.TestWorkflowEnvironment;

/**
 * One main path of one runbook whose history is stored in {@code src/test/resources/histories/}
 * as {@code <runbook>-<path>.json}.
 */
public record HistoryScenario(String runbook, String path, Recording recording) {

  public String fileName() {
    return runbook + "-" + path + ".json";
  }

  /** Drives the path in a fresh, not yet started environment; returns the workflow id whose history to store. */
  @FunctionalInterface
  public interface Recording {
    String record(TestWorkflowEnvironment env) throws Exception;
  }
}
