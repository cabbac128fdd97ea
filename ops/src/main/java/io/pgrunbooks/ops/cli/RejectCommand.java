package io.pgrunbooks.ops.cli;

import picocli.CommandLine.Command;

/** {@code runbooks reject}. */
@Command(name = "reject", mixinStandardHelpOptions = true,
    description = {"Reject a pending request of a run (the validated `decide` update); --comment is required.",
        "The run then undoes what it prepared and ends REJECTED; nothing destructive happens."},
    exitCodeListHeading = ExitCodes.HEADING, exitCodeList = {
        "0:the rejection was counted",
        "1:the run refused it (the reason is printed)",
        "2:bad usage (no --comment), or several approvals pending and no --request",
        "3:no such workflow, no approval pending, namespace not found, or Temporal unreachable"})
final class RejectCommand extends DecideCommand {
  @Override
  boolean approve() {
    return false;
  }
}
