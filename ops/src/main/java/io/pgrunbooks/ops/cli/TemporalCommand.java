package io.pgrunbooks.ops.cli;

import io.pgrunbooks.client.PlainWords;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.client.WorkflowNotFoundException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Base of the commands that talk to Temporal: checks the arguments before connecting (bad usage
 * never waits for a server), opens one {@link TemporalSession}, and turns what went wrong into a
 * message on stderr and an {@link ExitCodes exit code}.
 */
abstract class TemporalCommand implements Callable<Integer> {
  @Mixin
  TemporalOptions temporal;

  @Spec
  CommandSpec spec;

  /** Checks arguments without Temporal; throws {@link CliFailure} with {@link ExitCodes#USAGE}. */
  void validate() {}

  abstract int run(TemporalSession session) throws Exception;

  @Override
  public final Integer call() {
    try {
      validate();
      try (TemporalSession session = TemporalSession.open(temporal)) {
        return run(session);
      }
    } catch (CliFailure f) {
      err().println(f.getMessage());
      return f.exitCode();
    } catch (WorkflowNotFoundException e) {
      err().println("no workflow " + e.getExecution().getWorkflowId() + " in namespace " + temporal.namespace
          + " on " + temporal.address);
      return ExitCodes.NOT_FOUND;
    } catch (Exception e) {
      StatusRuntimeException s = PlainWords.status(e);
      if (s != null) {
        Status.Code code = s.getStatus().getCode();
        if (code == Status.Code.NOT_FOUND) {
          err().println("not found: " + s.getStatus().getDescription());
          return ExitCodes.NOT_FOUND;
        }
        if (code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED) {
          err().println("Temporal at " + temporal.address + " did not answer: " + PlainWords.grpc(e));
          return ExitCodes.NOT_FOUND;
        }
        if (code == Status.Code.INVALID_ARGUMENT) {
          err().println("Temporal refused the request: " + s.getStatus().getDescription());
          return ExitCodes.USAGE;
        }
      }
      err().println("error: " + PlainWords.failure(e));
      return ExitCodes.FAILED;
    } finally {
      out().flush();
      err().flush();
    }
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }
}
