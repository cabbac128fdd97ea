package io.pgrunbooks.config;

import java.util.Map;

/**
 * How to reach the Temporal server.
 *
 * @param target frontend address {@code host:port} (default {@code 127.0.0.1:7233})
 * @param namespace Temporal namespace (default {@code default})
 * @param uiUrl Temporal UI base URL, used to link runs in notifications and reports
 * @param tls client TLS (default disabled)
 * @param apiKeyEnv environment variable holding a Temporal Cloud API key (implies TLS); or
 * @param apiKeyFile file holding it (relative to the config file)
 */
public record TemporalConfig(String target, String namespace, String uiUrl, TlsConfig tls, String apiKeyEnv,
                             String apiKeyFile) {
  public TemporalConfig {
    target = Copies.or(target, "127.0.0.1:7233");
    namespace = Copies.or(namespace, "default");
    uiUrl = Copies.or(uiUrl, "http://127.0.0.1:8233");
    tls = tls == null ? TlsConfig.disabled() : tls;
  }

  /** Without an API key (self-hosted Temporal, or Temporal Cloud with mTLS). */
  public TemporalConfig(String target, String namespace, String uiUrl, TlsConfig tls) {
    this(target, namespace, uiUrl, tls, null, null);
  }

  public static TemporalConfig defaults() {
    return new TemporalConfig(null, null, null, null);
  }

  /** True when an API key is configured: the connection then uses TLS even without {@code tls.enabled}. */
  public boolean usesApiKey() {
    return apiKeyEnv != null || apiKeyFile != null;
  }

  /** The API key, or null without one; IllegalStateException naming the variable or file when it cannot be read. */
  public String resolveApiKey(Map<String, String> env) {
    String key = Secrets.resolve("temporal API key", apiKeyEnv, apiKeyFile, env);
    return key == null ? null : key.strip();
  }
}
