package io.pgrunbooks.ops.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code runbooks completion bash}: prints the shell completion script picocli generates from the commands. */
@Command(name = "completion", mixinStandardHelpOptions = true,
    description = {"Print a completion script for bash or zsh (commands, options, workflow types, -o formats).",
        "bash: source <(runbooks completion bash)   or save it: runbooks completion bash > /etc/bash_completion.d/runbooks",
        "zsh:  autoload -U +X bashcompinit && bashcompinit && source <(runbooks completion zsh)"},
    exitCodeListHeading = ExitCodes.HEADING, exitCodeList = {"0:printed", "2:bad usage: unknown shell"})
final class CompletionCommand implements Callable<Integer> {
  /** The shells picocli's script supports. */
  enum Shell { bash, zsh }

  @Parameters(index = "0", paramLabel = "<shell>", description = "${COMPLETION-CANDIDATES}.")
  Shell shell;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    // picocli's script is a bash script that zsh runs through bashcompinit.
    spec.commandLine().getOut().print(AutoComplete.bash("runbooks", spec.root().commandLine()));
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }
}
