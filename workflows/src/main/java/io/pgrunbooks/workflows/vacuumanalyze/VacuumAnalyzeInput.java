package io.pgrunbooks.workflows.vacuumanalyze;

import io.pgrunbooks.workflows.common.RunbookInput;
import java.util.List;

/**
 * Input of {@code VacuumAnalyze}: {@code {"cluster": "main", "database": "app"}} (tables chosen by thresholds) or
 * {@code {"cluster": "main", "database": "app", "tables": ["public.orders"], "window": "2h"}}.
 *
 * @param cluster required
 * @param database required
 * @param tables {@code schema.name} each; default: every table the thresholds choose
 * @param minDeadTupleRatio dead / (live + dead) from which a table is vacuumed (default 0.1)
 * @param freeze {@code VACUUM (FREEZE)} every chosen table (default false; tables near wraparound are always frozen)
 * @param maxReplicaLagSeconds pause before the next table while a replica's replay lag exceeds this (default 30)
 * @param window how long the run may work ({@code 30m}, {@code 2h}, ISO {@code PT2H}); at its end the running VACUUM
 *     is cancelled and the rest is reported as left (default: no limit)
 * @param freezeAgeFraction fraction of {@code autovacuum_freeze_max_age} from which {@code age(relfrozenxid)} is
 *     urgent (default 0.8)
 */
public record VacuumAnalyzeInput(String cluster, String database, List<String> tables, Double minDeadTupleRatio,
                                 Boolean freeze, Integer maxReplicaLagSeconds, String window, Double freezeAgeFraction,
                                 boolean dryRun, String requestedBy, String reason) implements RunbookInput {

  public static VacuumAnalyzeInput of(String cluster, String database, List<String> tables) {
    return new VacuumAnalyzeInput(cluster, database, tables, null, null, null, null, null, false, null, null);
  }

  public List<String> tablesOrEmpty() {
    return tables == null ? List.of() : tables.stream().map(String::strip).toList();
  }

  public double minDeadTupleRatioOrDefault() {
    return minDeadTupleRatio == null ? VacuumPlanner.DEFAULT_MIN_DEAD_RATIO : minDeadTupleRatio;
  }

  public boolean freezeAll() {
    return Boolean.TRUE.equals(freeze);
  }

  public int maxReplicaLagSecondsOrDefault() {
    return maxReplicaLagSeconds == null ? VacuumPlanner.DEFAULT_MAX_LAG_SECONDS : maxReplicaLagSeconds;
  }

  public double freezeAgeFractionOrDefault() {
    return freezeAgeFraction == null ? VacuumPlanner.DEFAULT_FREEZE_AGE_FRACTION : freezeAgeFraction;
  }
}
