package io.pgrunbooks.ops.cli;

import io.pgrunbooks.workflows.client.UiLinks;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Where Temporal is: the options every command that talks to Temporal takes. */
final class TemporalOptions {
  static final String DEFAULT_ADDRESS = "127.0.0.1:7233";
  static final String DEFAULT_NAMESPACE = "default";

  @Option(names = "--address", paramLabel = "<host:port>",
      defaultValue = "${env:RUNBOOKS_TEMPORAL:-" + DEFAULT_ADDRESS + "}",
      description = "Temporal frontend (default: env RUNBOOKS_TEMPORAL, else " + DEFAULT_ADDRESS + ").")
  String address;

  @Option(names = "--namespace", defaultValue = DEFAULT_NAMESPACE,
      description = "Temporal namespace (default: ${DEFAULT-VALUE}).")
  String namespace;

  @Option(names = "--ui-url", paramLabel = "<url>",
      defaultValue = "${env:RUNBOOKS_UI_URL:-http://127.0.0.1:8233}",
      description = "Temporal UI base URL for links (default: env RUNBOOKS_UI_URL, else http://127.0.0.1:8233).")
  String uiUrl;

  @Option(names = "--connect-timeout", paramLabel = "<seconds>", defaultValue = "5",
      description = "Give up when Temporal does not answer within this many seconds (default: ${DEFAULT-VALUE}).")
  int connectTimeoutSeconds;

  Duration connectTimeout() {
    return Duration.ofSeconds(Math.max(1, connectTimeoutSeconds));
  }

  /** The run's page in the Temporal UI. */
  String uiLink(String workflowId) {
    return UiLinks.run(uiUrl, namespace, workflowId);
  }

  /** {@code --address/--namespace} to repeat in printed commands, when they are not the defaults. */
  String connectionArgs() {
    StringBuilder args = new StringBuilder();
    if (!DEFAULT_ADDRESS.equals(address)) {
      args.append(" --address ").append(Shell.quote(address));
    }
    if (!DEFAULT_NAMESPACE.equals(namespace)) {
      args.append(" --namespace ").append(Shell.quote(namespace));
    }
    return args.toString();
  }
}
