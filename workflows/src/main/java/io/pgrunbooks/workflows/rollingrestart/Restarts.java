package io.pgrunbooks.workflows.rollingrestart;

import io.pgrunbooks.workflows.rollingrestart.ParameterActivities.ParameterFacts;
import io.pgrunbooks.workflows.rollingrestart.ParameterRules.Change;
import java.util.List;
import java.util.Set;

/** What {@code RollingRestart} does differently per topology backend ({@code direct} or {@code patroni}). */
interface Restarts {
  /** Writes the changes into every node's configuration and reloads; nodes where they are applied already are left. */
  void apply(ParameterFacts facts, List<Change> changes, Set<String> pending);

  /** Nodes the backend itself says wait for a restart (Patroni's {@code pending_restart}); empty on direct. */
  Set<String> pending();

  /** Restarts a replica (never the primary); the caller waits until it streams again. */
  void restartReplica(String node);

  /**
   * Makes {@code candidate} the primary, PgBouncer following, and leaves the old primary running (restarted) as a
   * replica of it; the caller waits until it streams.
   */
  void switchover(String primary, String candidate);
}
