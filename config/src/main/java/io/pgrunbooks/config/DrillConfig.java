package io.pgrunbooks.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.List;

/**
 * Settings of the {@code FailoverDrill} runbook ({@code clusters.<name>.failover.drill}).
 *
 * @param window how long after the run starts its drill window opens (0s: at once; at most 7d). A schedule that starts the
 *     drill early (startEarly) sets the same value, so the approval can be collected before the window
 * @param maxLagSeconds preflight: the drill replica must stream with a replay lag below this (5)
 * @param requireVerifiedBackup preflight: refuse without a verified backup newer than {@code maxBackupAge}
 * @param maxBackupAge age limit of that backup (26h)
 * @param database database the sentinel and probe rows are written to, through PgBouncer (postgres)
 * @param probeTable table of sentinel and probe rows, created when missing (public.runbooks_drill_writes)
 * @param probeInterval time between two probe writes (100ms)
 * @param sentinelRows sentinel rows written before each switchover (20)
 * @param baselineTables tables (schema.name, in {@code database}) whose row counts must match before and after
 * @param recoveryTarget RB-4 criterion: clients must write again within this (5m)
 */
public record DrillConfig(
    Duration window,
    double maxLagSeconds,
    boolean requireVerifiedBackup,
    Duration maxBackupAge,
    String database,
    String probeTable,
    Duration probeInterval,
    int sentinelRows,
    List<String> baselineTables,
    Duration recoveryTarget) {
  /** The furthest a drill window may open after the run starts (FailoverDrill's DrillChecks.MAX_WINDOW_AHEAD). */
  public static final Duration MAX_WINDOW = Duration.ofDays(7);

  public DrillConfig {
    window = window == null ? Duration.ZERO : window;
    maxBackupAge = maxBackupAge == null ? Duration.ofHours(26) : maxBackupAge;
    database = Copies.or(database, "postgres");
    probeTable = Copies.or(probeTable, "public.runbooks_drill_writes");
    probeInterval = probeInterval == null ? Duration.ofMillis(100) : probeInterval;
    baselineTables = Copies.list(baselineTables);
    recoveryTarget = recoveryTarget == null ? Duration.ofMinutes(5) : recoveryTarget;
  }

  public static DrillConfig defaults() {
    return new DrillConfig(null, 5, false, null, null, null, null, 20, null, null);
  }

  @JsonCreator
  static DrillConfig fromYaml(
      @JsonProperty("window") Duration window,
      @JsonProperty("maxLagSeconds") Double maxLagSeconds,
      @JsonProperty("requireVerifiedBackup") Boolean requireVerifiedBackup,
      @JsonProperty("maxBackupAge") Duration maxBackupAge,
      @JsonProperty("database") String database,
      @JsonProperty("probeTable") String probeTable,
      @JsonProperty("probeInterval") Duration probeInterval,
      @JsonProperty("sentinelRows") Integer sentinelRows,
      @JsonProperty("baselineTables") List<String> baselineTables,
      @JsonProperty("recoveryTarget") Duration recoveryTarget) {
    DrillConfig d = defaults();
    return new DrillConfig(window, Copies.or(maxLagSeconds, d.maxLagSeconds()),
        Copies.or(requireVerifiedBackup, false), maxBackupAge, database, probeTable, probeInterval,
        Copies.or(sentinelRows, d.sentinelRows()), baselineTables, recoveryTarget);
  }
}
