package io.pgrunbooks.config;

/**
 * How to reach the Temporal server.
 *
 * @param target frontend address {@code host:port} (default {@code 127.0.0.1:7233})
 * @param namespace Temporal namespace (default {@code default})
 * @param uiUrl Temporal UI base URL, used to link runs in notifications and reports
 * @param tls client TLS (default disabled)
 */
public record TemporalConfig(String target, String namespace, String uiUrl, TlsConfig tls) {
  public TemporalConfig {
    target = Copies.or(target, "127.0.0.1:7233");
    namespace = Copies.or(namespace, "default");
    uiUrl = Copies.or(uiUrl, "http://127.0.0.1:8233");
    tls = tls == null ? TlsConfig.disabled() : tls;
  }

  public static TemporalConfig defaults() {
    return new TemporalConfig(null, null, null, null);
  }
}
