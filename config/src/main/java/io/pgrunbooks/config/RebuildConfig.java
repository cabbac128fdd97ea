package io.pgrunbooks.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;

/**
 * Settings of the {@code ReplicaRebuild} runbook for one cluster ({@code clusters.<name>.rebuild}).
 *
 * @param keepOldDataDir keep {@code <dataDir>.rebuild-<runId>} after a successful rebuild (false: it is removed,
 *     and its removal is part of the approved plan)
 * @param catchUpLagSeconds the rebuilt replica counts as caught up once its replay lag is below this (1)
 * @param catchUpTimeout how long to wait for streaming and catch-up after the start (30m)
 * @param stopTimeout how long a fast shutdown may take before an immediate one (60s)
 * @param diskHeadroom free space needed on the target = primary's database size × this factor (1.2)
 * @param streamingPassFile passfile the rebuilt replica names in {@code primary_conninfo} to stream with; null:
 *     none (the runAs user's ~/.pgpass or a password-less login)
 * @param startCommand command that starts PostgreSQL instead of {@code pg_ctl start}, e.g.
 *     {@code systemctl start postgresql@15-main}; {node}, {dataDir} and {port} are replaced
 * @param stopCommand command that stops it (fast) instead of {@code pg_ctl stop -m fast}
 * @param stopImmediateCommand command for the immediate stop after {@code stopTimeout}
 */
public record RebuildConfig(
    boolean keepOldDataDir,
    double catchUpLagSeconds,
    Duration catchUpTimeout,
    Duration stopTimeout,
    double diskHeadroom,
    String streamingPassFile,
    String startCommand,
    String stopCommand,
    String stopImmediateCommand) {

  public RebuildConfig {
    catchUpTimeout = catchUpTimeout == null ? Duration.ofMinutes(30) : catchUpTimeout;
    stopTimeout = stopTimeout == null ? Duration.ofSeconds(60) : stopTimeout;
  }

  public static RebuildConfig defaults() {
    return new RebuildConfig(false, 1, null, null, 1.2, null, null, null, null);
  }

  @JsonCreator
  static RebuildConfig fromYaml(
      @JsonProperty("keepOldDataDir") Boolean keepOldDataDir,
      @JsonProperty("catchUpLagSeconds") Double catchUpLagSeconds,
      @JsonProperty("catchUpTimeout") Duration catchUpTimeout,
      @JsonProperty("stopTimeout") Duration stopTimeout,
      @JsonProperty("diskHeadroom") Double diskHeadroom,
      @JsonProperty("streamingPassFile") String streamingPassFile,
      @JsonProperty("startCommand") String startCommand,
      @JsonProperty("stopCommand") String stopCommand,
      @JsonProperty("stopImmediateCommand") String stopImmediateCommand) {
    RebuildConfig d = defaults();
    return new RebuildConfig(Copies.or(keepOldDataDir, d.keepOldDataDir()),
        Copies.or(catchUpLagSeconds, d.catchUpLagSeconds()), catchUpTimeout, stopTimeout,
        Copies.or(diskHeadroom, d.diskHeadroom()), streamingPassFile, startCommand, stopCommand, stopImmediateCommand);
  }
}
