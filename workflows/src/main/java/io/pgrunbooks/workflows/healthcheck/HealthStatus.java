package io.pgrunbooks.workflows.healthcheck;

/** Verdicts, ordered from best to worst. */
public enum HealthStatus {
  HEALTHY,
  DEGRADED,
  UNHEALTHY;

  public HealthStatus worst(HealthStatus other) {
    return other.ordinal() > ordinal() ? other : this;
  }
}
