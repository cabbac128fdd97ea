package io.pgrunbooks.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Metadata;
import io.temporal.serviceclient.GrpcMetadataProvider;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import org.junit.jupiter.api.Test;

/** What the worker, the agents and the API put on their Temporal connection for an API key. */
class TemporalTlsApiKeyTest {
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  @Test
  void apiKeyTurnsOnTlsAndIsSentAsBearerOnEveryCall() {
    WorkflowServiceStubsOptions.Builder b = WorkflowServiceStubsOptions.newBuilder().setTarget("ns.acct.tmprl.cloud:7233");
    TemporalTls.apply(b, false, null, null, null, null, "key-1");
    WorkflowServiceStubsOptions options = b.build();

    assertThat(options.getSslContext()).as("TLS although tls.enabled is false").isNotNull();
    assertThat(options.getGrpcMetadataProviders()).extracting(GrpcMetadataProvider::getMetadata)
        .anySatisfy(m -> assertThat(m.get(AUTHORIZATION)).isEqualTo("Bearer key-1"));
  }

  @Test
  void withoutKeyOrTlsTheConnectionStaysPlain() {
    WorkflowServiceStubsOptions.Builder b = WorkflowServiceStubsOptions.newBuilder().setTarget("127.0.0.1:7233");
    TemporalTls.apply(b, false, null, null, null, null, null);
    WorkflowServiceStubsOptions options = b.build();

    assertThat(options.getSslContext()).isNull();
    assertThat(options.getGrpcMetadataProviders() == null || options.getGrpcMetadataProviders().isEmpty()).isTrue();
  }
}
