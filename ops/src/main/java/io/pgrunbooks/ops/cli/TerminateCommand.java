package io.pgrunbooks.ops.cli;

import io.temporal.client.WorkflowStub;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code runbooks terminate}: stops a run at once, with a reason kept in its history. */
@Command(name = "terminate", mixinStandardHelpOptions = true,
    description = {"Terminate the latest run of a workflow id at once. No compensation runs and no report is "
        + "written: use it for a run that cannot proceed (prefer runbooks cancel).",
        "The reason (and who) is recorded in the run's history as the termination reason."},
    exitCodeListHeading = ExitCodes.HEADING, exitCodeList = {
        "0:terminated",
        "1:the run is already closed",
        "2:bad usage: --reason missing or blank",
        "3:no such workflow, namespace not found, or Temporal unreachable"})
final class TerminateCommand extends TemporalCommand {
  @Parameters(index = "0", paramLabel = "<workflowId>")
  String workflowId;

  @Option(names = "--reason", required = true, description = "Why (required; recorded as the termination reason).")
  String reason;

  @Option(names = "--as", paramLabel = "<name>", description = "Who terminates (default: the operating-system user).")
  String as;

  @Override
  void validate() {
    if (reason.isBlank()) {
      throw new CliFailure(ExitCodes.USAGE, "--reason must say why the run is terminated");
    }
    if (workflowId.isBlank()) {
      throw new CliFailure(ExitCodes.USAGE, "<workflowId> must not be blank");
    }
  }

  @Override
  int run(TemporalSession session) {
    WorkflowStub stub = RunControl.running(session.client, workflowId, "terminate");
    String who = RunControl.who(as);
    String recorded = reason + " (by " + who + ")";
    stub.terminate(recorded, Map.of("terminatedBy", who, "reason", reason));
    out().println("terminated " + workflowId + ": " + recorded);
    return ExitCodes.OK;
  }
}
