package io.pgrunbooks.worker;

import com.uber.m3.tally.RootScopeBuilder;
import com.uber.m3.tally.Scope;
import io.micrometer.core.instrument.MeterRegistry;
import io.pgrunbooks.config.TemporalConfig;
import io.pgrunbooks.config.TlsConfig;
import io.pgrunbooks.client.TemporalTls;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.common.reporter.MicrometerClientStatsReporter;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;

/** Builds the connection to the Temporal frontend from the {@code temporal} config section. */
final class TemporalConnection {
  private TemporalConnection() {}

  static WorkflowServiceStubs serviceStubs(TemporalConfig cfg, java.util.Map<String, String> env, MeterRegistry registry) {
    Scope scope = new RootScopeBuilder()
        .reporter(new MicrometerClientStatsReporter(registry))
        .reportEvery(com.uber.m3.util.Duration.ofSeconds(10));
    WorkflowServiceStubsOptions.Builder options = WorkflowServiceStubsOptions.newBuilder()
        .setTarget(cfg.target())
        .setMetricsScope(scope);
    TlsConfig tls = cfg.tls();
    TemporalTls.apply(options, tls.enabled(), tls.certFile(), tls.keyFile(), tls.caFile(), tls.serverName(),
        cfg.resolveApiKey(env));
    return WorkflowServiceStubs.newServiceStubs(options.build());
  }

  static WorkflowClient client(WorkflowServiceStubs service, TemporalConfig cfg) {
    return WorkflowClient.newInstance(service, WorkflowClientOptions.newBuilder()
        .setNamespace(cfg.namespace())
        .setDataConverter(io.pgrunbooks.workflows.registry.RunbookInputConverter.jackson())
        .build());
  }
}
