package io.pgrunbooks.ops.cli;

import io.pgrunbooks.config.TemporalConfig;
import io.pgrunbooks.config.TlsConfig;
import io.pgrunbooks.workflows.common.UiLinks;
import java.time.Duration;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;

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

  @Option(names = "--tls", defaultValue = "${env:RUNBOOKS_TEMPORAL_TLS:-false}",
      description = "Connect over TLS (implied by --tls-cert/--tls-ca; default: env RUNBOOKS_TEMPORAL_TLS).")
  boolean tls;

  @Option(names = "--tls-cert", paramLabel = "<pem>", defaultValue = "${env:RUNBOOKS_TEMPORAL_TLS_CERT}",
      description = "Client certificate for mutual TLS, with --tls-key (default: env RUNBOOKS_TEMPORAL_TLS_CERT).")
  String tlsCert;

  @Option(names = "--tls-key", paramLabel = "<pem>", defaultValue = "${env:RUNBOOKS_TEMPORAL_TLS_KEY}",
      description = "PKCS#8 key of --tls-cert (default: env RUNBOOKS_TEMPORAL_TLS_KEY).")
  String tlsKey;

  @Option(names = "--tls-ca", paramLabel = "<pem>", defaultValue = "${env:RUNBOOKS_TEMPORAL_TLS_CA}",
      description = "CA bundle to trust instead of the system's (default: env RUNBOOKS_TEMPORAL_TLS_CA).")
  String tlsCa;

  @Option(names = "--tls-server-name", paramLabel = "<name>", defaultValue = "${env:RUNBOOKS_TEMPORAL_TLS_SERVER_NAME}",
      description = "Name on the server certificate when it is not the address's host.")
  String tlsServerName;

  @Option(names = "--api-key-file", paramLabel = "<file>", defaultValue = "${env:RUNBOOKS_TEMPORAL_API_KEY_FILE}",
      description = "File holding a Temporal Cloud API key (or set RUNBOOKS_TEMPORAL_API_KEY); sent as a bearer"
          + " token, over TLS. Never on the command line: it would show in ps.")
  String apiKeyFile;

  /** The API key from --api-key-file or RUNBOOKS_TEMPORAL_API_KEY, or null. */
  String apiKey() {
    if (apiKeyFile != null && !apiKeyFile.isBlank()) {
      try {
        return java.nio.file.Files.readString(java.nio.file.Path.of(apiKeyFile)).strip();
      } catch (java.io.IOException e) {
        throw new CliFailure(ExitCodes.USAGE, "cannot read --api-key-file " + apiKeyFile + ": " + e.getMessage());
      }
    }
    String env = System.getenv("RUNBOOKS_TEMPORAL_API_KEY");
    return env == null || env.isBlank() ? null : env.strip();
  }

  /** TLS is on when asked for or when TLS material is given. */
  boolean tlsEnabled() {
    // Temporal Cloud takes API keys over TLS only.
    return tls || tlsCert != null || tlsCa != null || apiKey() != null;
  }

  Duration connectTimeout() {
    return Duration.ofSeconds(Math.max(1, connectTimeoutSeconds));
  }

  /** The run's page in the Temporal UI. */
  String uiLink(String workflowId) {
    return UiLinks.run(uiUrl, namespace, workflowId);
  }

  /**
   * A command that reads a config file talks to the Temporal that config's workers use: every connection option not
   * given on {@code commandLine} (flags win; the RUNBOOKS_TEMPORAL* variables do not) comes from {@code config}.
   */
  void useConfig(TemporalConfig config, ParseResult commandLine) {
    if (!commandLine.hasMatchedOption("--address")) {
      address = config.target();
    }
    if (!commandLine.hasMatchedOption("--namespace")) {
      namespace = config.namespace();
    }
    if (!commandLine.hasMatchedOption("--ui-url")) {
      uiUrl = config.uiUrl();
    }
    boolean tlsFlags = commandLine.hasMatchedOption("--tls") || commandLine.hasMatchedOption("--tls-cert")
        || commandLine.hasMatchedOption("--tls-ca");
    if (!tlsFlags) {
      TlsConfig t = config.tls();
      tls = t.enabled();
      tlsCert = t.enabled() ? t.certFile() : null;
      tlsKey = t.enabled() ? t.keyFile() : null;
      tlsCa = t.enabled() ? t.caFile() : null;
      tlsServerName = t.enabled() ? t.serverName() : null;
    }
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
