package io.pgrunbooks.workflows.healthcheck;

import io.pgrunbooks.workflows.common.RunbookInput;

/**
 * Input of {@code HealthCheck}: {@code {"cluster": "main"}}.
 *
 * @param cluster configured cluster name (required)
 */
public record HealthCheckInput(String cluster, boolean dryRun, String requestedBy, String reason)
    implements RunbookInput {

  public static HealthCheckInput of(String cluster) {
    return new HealthCheckInput(cluster, false, null, null);
  }
}
