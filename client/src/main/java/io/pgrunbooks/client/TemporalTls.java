package io.pgrunbooks.client;

import io.temporal.serviceclient.SimpleSslContextBuilder;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Client TLS towards the Temporal frontend (mutual TLS with a PEM certificate and PKCS#8 key, an
 * optional CA bundle, an optional server name), one implementation for the worker, the node agents
 * and the REST API. The paths come resolved from the config's {@code temporal.tls} section.
 */
public final class TemporalTls {
  private TemporalTls() {}

  /**
   * Connection security from the config's {@code temporal} section in one call: TLS when {@code tlsEnabled}
   * or an API key is given (Temporal Cloud takes API keys over TLS only), then the key as the
   * {@code Authorization: Bearer} header of every call. The CLI, the worker, the agents and the API use it.
   */
  public static void apply(WorkflowServiceStubsOptions.Builder options, boolean tlsEnabled, String certFile,
      String keyFile, String caFile, String serverName, String apiKey) {
    if (tlsEnabled || apiKey != null) {
      apply(options, certFile, keyFile, caFile, serverName);
    }
    if (apiKey != null) {
      options.addApiKey(() -> apiKey);
    }
  }

  /**
   * Turns TLS on in {@code options}.
   *
   * @param certFile client certificate (PEM) or null for server-only TLS; needs {@code keyFile}
   * @param caFile CA bundle to trust instead of the system one, or null
   * @param serverName the name on the server certificate when it is not the target host, or null
   * @throws IllegalStateException naming {@code temporal.tls} when a file cannot be read or parsed
   */
  public static void apply(WorkflowServiceStubsOptions.Builder options, String certFile, String keyFile,
      String caFile, String serverName) {
    try {
      SimpleSslContextBuilder builder;
      if (certFile != null && keyFile != null) {
        // The builder reads its streams only in build(): hand it the bytes, not file streams closed by then.
        builder = SimpleSslContextBuilder.forPKCS8(new ByteArrayInputStream(Files.readAllBytes(Path.of(certFile))),
            new ByteArrayInputStream(Files.readAllBytes(Path.of(keyFile))));
      } else {
        builder = SimpleSslContextBuilder.noKeyOrCertChain();
      }
      if (caFile != null) {
        builder.setTrustManager(trustManager(Path.of(caFile)));
      }
      options.setSslContext(builder.build());
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("temporal.tls: cannot load TLS material: " + e.getMessage(), e);
    }
    if (serverName != null) {
      options.setChannelInitializer(channel -> channel.overrideAuthority(serverName));
    }
  }

  private static X509TrustManager trustManager(Path caFile) throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    try (InputStream in = Files.newInputStream(caFile)) {
      int i = 0;
      for (var cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        store.setCertificateEntry("ca-" + i++, (X509Certificate) cert);
      }
    }
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    for (var tm : factory.getTrustManagers()) {
      if (tm instanceof X509TrustManager x509) {
        return x509;
      }
    }
    throw new GeneralSecurityException("no X509 trust manager for " + caFile);
  }
}
