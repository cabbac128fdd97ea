package io.pgrunbooks.ops.cli;

/** Exit codes shared by every command that talks to Temporal; each command's help lists its own. */
final class ExitCodes {
  static final int OK = 0;
  /** The run failed, ended REJECTED / TIMED_OUT, is already running, or a decision was refused. */
  static final int FAILED = 1;
  /** Bad usage or input (unknown type, unparsable JSON, missing field, missing option). */
  static final int USAGE = 2;
  /** No such workflow / namespace / pending approval, or Temporal did not answer. */
  static final int NOT_FOUND = 3;

  /** Heading of each command's exit-code list (picocli {@code exitCodeListHeading}). */
  static final String HEADING = "%nExit codes:%n";

  private ExitCodes() {}
}
