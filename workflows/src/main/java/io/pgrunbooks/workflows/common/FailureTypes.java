package io.pgrunbooks.workflows.common;

/**
 * Application failure types thrown by activities and workflows. Types listed here as
 * non-retryable are never retried: retrying cannot fix bad input or a refused safety check.
 */
public final class FailureTypes {
  /** Input that names nothing real or makes no sense: unknown cluster, node, table; bad numbers. */
  public static final String BAD_INPUT = "BadInput";
  /** A safety invariant of DESIGN.md section 3 refused the step. */
  public static final String SAFETY_REFUSED = "SafetyRefused";
  /** The worker's configuration lacks something the run needs. */
  public static final String CONFIG = "ConfigError";
  /** A PostgreSQL server could not be reached (retryable by default). */
  public static final String UNREACHABLE = "Unreachable";

  /** Types the activity retry policies never retry. */
  public static final String[] NON_RETRYABLE = {BAD_INPUT, SAFETY_REFUSED, CONFIG};

  private FailureTypes() {}
}
