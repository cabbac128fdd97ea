package io.pgrunbooks.api;

import com.codahale.metrics.health.HealthCheck;
import io.pgrunbooks.client.PlainWords;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.util.concurrent.TimeUnit;

/** Healthy when the Temporal frontend answers for the configured namespace within two seconds. */
final class TemporalHealthCheck extends HealthCheck {
  private final WorkflowServiceStubs service;
  private final String namespace;

  TemporalHealthCheck(WorkflowServiceStubs service, String namespace) {
    this.service = service;
    this.namespace = namespace;
  }

  @Override
  protected Result check() {
    try {
      service.blockingStub().withDeadlineAfter(2, TimeUnit.SECONDS)
          .describeNamespace(DescribeNamespaceRequest.newBuilder().setNamespace(namespace).build());
      return Result.healthy("namespace " + namespace + " answers");
    } catch (RuntimeException e) {
      return Result.unhealthy("Temporal namespace " + namespace + " did not answer: " + PlainWords.grpc(e));
    }
  }
}
