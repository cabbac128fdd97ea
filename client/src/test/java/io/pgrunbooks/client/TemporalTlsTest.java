package io.pgrunbooks.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemporalTlsTest {
  @TempDir Path dir;

  @Test
  void mutualTlsMaterialAndCaBundleGiveTheStubsAnSslContext() throws Exception {
    Path cert = dir.resolve("client.pem");
    Path key = dir.resolve("client.key");
    Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        "-subj", "/CN=pg-runbooks-test", "-keyout", key.toString(), "-out", cert.toString())
        .redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("openssl (apt-get install -y openssl) made a test certificate").isZero();

    WorkflowServiceStubsOptions.Builder options = WorkflowServiceStubsOptions.newBuilder().setTarget("temporal:7233");
    TemporalTls.apply(options, cert.toString(), key.toString(), cert.toString(), "temporal.example.com");

    WorkflowServiceStubsOptions built = options.build();
    assertThat(built.getSslContext()).isNotNull();
    assertThat(built.getChannelInitializer()).isNotNull();
  }

  @Test
  void unreadableMaterialIsAConfigErrorNamingTheSection() {
    WorkflowServiceStubsOptions.Builder options = WorkflowServiceStubsOptions.newBuilder().setTarget("temporal:7233");
    assertThatThrownBy(() -> TemporalTls.apply(options, dir.resolve("missing.pem").toString(),
        dir.resolve("missing.key").toString(), null, null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("temporal.tls: cannot load TLS material")
        .hasMessageContaining("missing.pem");
  }
}
