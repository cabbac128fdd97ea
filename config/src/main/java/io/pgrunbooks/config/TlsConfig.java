package io.pgrunbooks.config;

/**
 * Client TLS towards Temporal. File paths are resolved relative to the config file's directory.
 *
 * @param certFile client certificate (PEM) for mutual TLS, with {@code keyFile}
 * @param caFile CA bundle to trust instead of the system one
 * @param serverName name to verify on the server certificate when it differs from the target host
 */
public record TlsConfig(
    boolean enabled, String certFile, String keyFile, String caFile, String serverName) {

  public static TlsConfig disabled() {
    return new TlsConfig(false, null, null, null, null);
  }
}
