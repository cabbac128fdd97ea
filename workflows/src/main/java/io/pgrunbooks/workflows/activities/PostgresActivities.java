package io.pgrunbooks.workflows.activities;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** SQL against the PostgreSQL nodes of a configured cluster, run by the central worker over JDBC. */
@ActivityInterface
public interface PostgresActivities {
  /**
   * Read-only health facts of one node: role, connections, long queries, lock waits, cache hit
   * ratio, database sizes, replication. A node that cannot be reached is a fact
   * ({@code reachable=false} with the error), not a failure.
   */
  @ActivityMethod
  NodeHealthFacts collectHealthFacts(HealthFactsInput input);
}
