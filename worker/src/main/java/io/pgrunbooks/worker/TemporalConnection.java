package io.pgrunbooks.worker;

import com.uber.m3.tally.RootScopeBuilder;
import com.uber.m3.tally.Scope;
import io.micrometer.core.instrument.MeterRegistry;
import io.pgrunbooks.config.TemporalConfig;
import io.pgrunbooks.config.TlsConfig;
import io.pgrunbooks.workflows.common.DataConverters;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.common.reporter.MicrometerClientStatsReporter;
import io.temporal.serviceclient.SimpleSslContextBuilder;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
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

/** Builds the connection to the Temporal frontend from the {@code temporal} config section. */
final class TemporalConnection {
  private TemporalConnection() {}

  static WorkflowServiceStubs serviceStubs(TemporalConfig cfg, MeterRegistry registry) {
    Scope scope = new RootScopeBuilder()
        .reporter(new MicrometerClientStatsReporter(registry))
        .reportEvery(com.uber.m3.util.Duration.ofSeconds(10));
    WorkflowServiceStubsOptions.Builder options = WorkflowServiceStubsOptions.newBuilder()
        .setTarget(cfg.target())
        .setMetricsScope(scope);
    TlsConfig tls = cfg.tls();
    if (tls != null && tls.enabled()) {
      options.setSslContext(sslContext(tls));
      if (tls.serverName() != null) {
        options.setChannelInitializer(channel -> channel.overrideAuthority(tls.serverName()));
      }
    }
    return WorkflowServiceStubs.newServiceStubs(options.build());
  }

  static WorkflowClient client(WorkflowServiceStubs service, TemporalConfig cfg) {
    return WorkflowClient.newInstance(service, WorkflowClientOptions.newBuilder()
        .setNamespace(cfg.namespace())
        .setDataConverter(DataConverters.jackson())
        .build());
  }

  private static io.grpc.netty.shaded.io.netty.handler.ssl.SslContext sslContext(TlsConfig tls) {
    try {
      SimpleSslContextBuilder builder;
      if (tls.certFile() != null && tls.keyFile() != null) {
        try (InputStream cert = Files.newInputStream(Path.of(tls.certFile()));
             InputStream key = Files.newInputStream(Path.of(tls.keyFile()))) {
          builder = SimpleSslContextBuilder.forPKCS8(cert, key);
        }
      } else {
        builder = SimpleSslContextBuilder.noKeyOrCertChain();
      }
      if (tls.caFile() != null) {
        builder.setTrustManager(trustManager(Path.of(tls.caFile())));
      }
      return builder.build();
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("temporal.tls: cannot load TLS material: " + e.getMessage(), e);
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
