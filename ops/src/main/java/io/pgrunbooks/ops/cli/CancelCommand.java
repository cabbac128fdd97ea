package io.pgrunbooks.ops.cli;

import io.temporal.client.WorkflowStub;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code runbooks cancel}: asks a running run to stop; the runbook undoes what it must and writes its report. */
@Command(name = "cancel", mixinStandardHelpOptions = true,
    description = {"Request cancellation of the latest run of a workflow id.",
        "The run sees the request, leaves the system safe (its compensations run) and ends CANCELED with its "
            + "report; prefer it to terminate, which stops the run at once without cleanup."},
    exitCodeListHeading = ExitCodes.HEADING, exitCodeList = {
        "0:cancellation requested",
        "1:the run is already closed",
        "3:no such workflow, namespace not found, or Temporal unreachable"})
final class CancelCommand extends TemporalCommand {
  @Parameters(index = "0", paramLabel = "<workflowId>")
  String workflowId;

  @Option(names = "--reason", description = "Why (recorded with the cancel request).")
  String reason;

  @Option(names = "--as", paramLabel = "<name>", description = "Who asks (default: the operating-system user).")
  String as;

  @Override
  void validate() {
    if (workflowId.isBlank()) {
      throw new CliFailure(ExitCodes.USAGE, "<workflowId> must not be blank");
    }
  }

  @Override
  int run(TemporalSession session) {
    WorkflowStub stub = RunControl.running(session.client, workflowId, "cancel");
    String why = (reason == null || reason.isBlank() ? "canceled" : reason) + " (by " + RunControl.who(as) + ")";
    stub.cancel(why);
    out().println("cancellation of " + workflowId + " requested: " + why);
    out().println("follow it with: runbooks status " + Shell.quote(workflowId) + temporal.connectionArgs());
    return ExitCodes.OK;
  }
}
