package io.pgrunbooks.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;

/**
 * Settings of the {@code Failover} and {@code FailoverDrill} runbooks for one cluster ({@code clusters.<name>.failover}).
 *
 * @param replayTimeout switchover: how long the candidate may take to replay the stopped primary's final WAL (60s)
 * @param promoteTimeout how long {@code pg_ctl promote} plus the first successful test write may take (60s)
 * @param fenceCommand command the old primary's agent runs to fence it when it is unreachable from the worker,
 *     instead of {@code pg_ctl stop -m immediate}; {node}, {dataDir} and {port} are replaced
 * @param maxReplayGapBytes without {@code force}, the candidate's replay may trail its received WAL by at most this (16 MiB)
 * @param drill settings of the monthly drill
 */
public record FailoverConfig(
    Duration replayTimeout,
    Duration promoteTimeout,
    String fenceCommand,
    long maxReplayGapBytes,
    DrillConfig drill) {

  public FailoverConfig {
    replayTimeout = replayTimeout == null ? Duration.ofSeconds(60) : replayTimeout;
    promoteTimeout = promoteTimeout == null ? Duration.ofSeconds(60) : promoteTimeout;
    drill = drill == null ? DrillConfig.defaults() : drill;
  }

  public static FailoverConfig defaults() {
    return new FailoverConfig(null, null, null, 16L * 1024 * 1024, null);
  }

  @JsonCreator
  static FailoverConfig fromYaml(
      @JsonProperty("replayTimeout") Duration replayTimeout,
      @JsonProperty("promoteTimeout") Duration promoteTimeout,
      @JsonProperty("fenceCommand") String fenceCommand,
      @JsonProperty("maxReplayGapBytes") Long maxReplayGapBytes,
      @JsonProperty("drill") DrillConfig drill) {
    return new FailoverConfig(replayTimeout, promoteTimeout, fenceCommand,
        Copies.or(maxReplayGapBytes, defaults().maxReplayGapBytes()), drill);
  }
}
