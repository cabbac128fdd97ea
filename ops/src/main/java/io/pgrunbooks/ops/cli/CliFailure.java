package io.pgrunbooks.ops.cli;

/** Ends a command with a message on stderr and one of the {@link ExitCodes}. */
final class CliFailure extends RuntimeException {
  private final int exitCode;

  CliFailure(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }
}
