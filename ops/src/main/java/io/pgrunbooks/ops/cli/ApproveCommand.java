package io.pgrunbooks.ops.cli;

import picocli.CommandLine.Command;

/** {@code runbooks approve}. */
@Command(name = "approve", mixinStandardHelpOptions = true,
    description = {"Approve a pending request of a run (the validated `decide` update).",
        "Example: runbooks approve archive-partition:main:app:public.t_2025_01 --as alice",
        "Without --request, the one pending request is used (and named); several pending need --request."},
    exitCodeListHeading = ExitCodes.HEADING, exitCodeList = {
        "0:the vote was counted",
        "1:the run refused the vote (the reason is printed)",
        "2:bad usage, or several approvals pending and no --request",
        "3:no such workflow, no approval pending, namespace not found, or Temporal unreachable"})
final class ApproveCommand extends DecideCommand {
  @Override
  boolean approve() {
    return true;
  }
}
