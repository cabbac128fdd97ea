package io.pgrunbooks.ops.cli;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.pgrunbooks.client.PlainWords;
import io.pgrunbooks.client.TemporalTls;
import io.pgrunbooks.workflows.common.DataConverters;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.util.concurrent.TimeUnit;

/**
 * One connection to Temporal for one command: connected (health-checked) before use, so an
 * unreachable server or a missing namespace ends the command at once with exit code 3 instead of
 * the SDK's long retries.
 */
final class TemporalSession implements AutoCloseable {
  final TemporalOptions options;
  final WorkflowServiceStubs service;
  final WorkflowClient client;
  /** The connection options, for other stubs on the same Temporal (operator service). */
  final WorkflowServiceStubsOptions stubOptions;

  private TemporalSession(TemporalOptions options, WorkflowServiceStubs service, WorkflowClient client,
                          WorkflowServiceStubsOptions stubOptions) {
    this.options = options;
    this.stubOptions = stubOptions;
    this.service = service;
    this.client = client;
  }

  static TemporalSession open(TemporalOptions options) {
    CliLogging.quiet();
    WorkflowServiceStubsOptions.Builder stubOptions = WorkflowServiceStubsOptions.newBuilder().setTarget(options.address);
    if (options.tlsEnabled()) {
      if ((options.tlsCert == null) != (options.tlsKey == null)) {
        throw new CliFailure(ExitCodes.USAGE, "--tls-cert and --tls-key go together (mutual TLS needs both)");
      }
      try {
        TemporalTls.apply(stubOptions, options.tlsCert, options.tlsKey, options.tlsCa, options.tlsServerName);
      } catch (IllegalStateException e) {
        throw new CliFailure(ExitCodes.USAGE, e.getMessage());
      }
    }
    String apiKey = options.apiKey();
    if (apiKey != null) {
      stubOptions.addApiKey(() -> apiKey);
    }
    WorkflowServiceStubsOptions built = stubOptions.build();
    WorkflowServiceStubs service;
    try {
      service = WorkflowServiceStubs.newConnectedServiceStubs(built, options.connectTimeout());
    } catch (RuntimeException e) {
      throw new CliFailure(ExitCodes.NOT_FOUND, "cannot reach Temporal at " + options.address + " within "
          + options.connectTimeout().toSeconds() + " s (" + PlainWords.grpc(e)
          + "); is it running? set --address or RUNBOOKS_TEMPORAL");
    }
    try {
      service.blockingStub().withDeadlineAfter(options.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
          .describeNamespace(DescribeNamespaceRequest.newBuilder().setNamespace(options.namespace).build());
    } catch (StatusRuntimeException e) {
      service.shutdownNow();
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        throw new CliFailure(ExitCodes.NOT_FOUND, "namespace " + options.namespace + " does not exist on Temporal at "
            + options.address);
      }
      throw new CliFailure(ExitCodes.NOT_FOUND, "Temporal at " + options.address + " did not answer: "
          + PlainWords.grpc(e));
    }
    WorkflowClient client = WorkflowClient.newInstance(service, WorkflowClientOptions.newBuilder()
        .setNamespace(options.namespace)
        .setDataConverter(DataConverters.jackson())
        .build());
    return new TemporalSession(options, service, client, built);
  }

  /** A schedule client on the same connection, namespace and data converter. */
  ScheduleClient schedules() {
    return ScheduleClient.newInstance(service, ScheduleClientOptions.newBuilder()
        .setNamespace(options.namespace)
        .setDataConverter(DataConverters.jackson())
        .build());
  }

  @Override
  public void close() {
    service.shutdown();
    service.awaitTermination(2, TimeUnit.SECONDS);
  }
}
