package io.pgrunbooks.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.Map;

/**
 * Physical backups and WAL archiving of one cluster with pgBackRest (section
 * {@code clusters.<name>.pgbackrest}). The repository itself (S3 endpoint, bucket, keys, CA file) is
 * set in {@code configFile} on every database host, because PostgreSQL's {@code archive_command}
 * reads it too; this section says what the runbooks pass on top of it.
 *
 * @param stanza the pgBackRest stanza of the cluster (required)
 * @param configFile pgBackRest's config file on every database host (/etc/pgbackrest/pgbackrest.conf)
 * @param repoPath {@code repo1-path}: where the stanza lives in the repository (/pgbackrest)
 * @param command the pgBackRest binary on the hosts (/usr/bin/pgbackrest)
 * @param retentionFull full backups {@code expire} keeps (2)
 * @param minFull PhysicalBackup asks for approval before an expire that would leave fewer full backups (1)
 * @param cipherPassEnv environment variable (of the node agents) with the repository passphrase; null =
 *     an unencrypted repository, or one whose passphrase only {@code configFile} holds
 * @param cipherPassFile file with the repository passphrase (instead of {@code cipherPassEnv})
 * @param archiveLagDegradedSeconds HealthCheck: the oldest WAL segment waiting to be archived this long degrades
 *     the cluster (300)
 * @param archiveLagUnhealthySeconds ... makes it unhealthy (1800)
 * @param backupAgeDegradedHours HealthCheck: a newest physical backup this old degrades the cluster (26)
 * @param backupAgeUnhealthyHours ... makes it unhealthy (50)
 * @param rtoObjective RestoreDrill reports a finding when restore to queryable takes longer; null = no objective
 * @param rpoObjective RestoreDrill reports a finding when the newest archived WAL is older at its start; null = none
 * @param backupStandby PhysicalBackup copies the data files from a streaming replica ({@code --backup-standby}) on
 *     that replica's node agent, the primary as pg1 and the replica as pg2 (false); the cluster needs a replica
 * @param socketPath unix socket directory pgBackRest connects to PostgreSQL through ({@code pgN-socket-path}),
 *     passed for the standby's pg2 and the primary's pg1 of a standby backup; null = the config file's or
 *     pgBackRest's default ({@code /var/run/postgresql})
 */
public record PgBackRestConfig(
    String stanza,
    String configFile,
    String repoPath,
    String command,
    int retentionFull,
    int minFull,
    String cipherPassEnv,
    String cipherPassFile,
    long archiveLagDegradedSeconds,
    long archiveLagUnhealthySeconds,
    long backupAgeDegradedHours,
    long backupAgeUnhealthyHours,
    Duration rtoObjective,
    Duration rpoObjective,
    boolean backupStandby,
    String socketPath) {

  public static final String DEFAULT_CONFIG_FILE = "/etc/pgbackrest/pgbackrest.conf";
  public static final String DEFAULT_COMMAND = "/usr/bin/pgbackrest";

  @JsonCreator
  static PgBackRestConfig fromYaml(
      @JsonProperty("stanza") String stanza,
      @JsonProperty("configFile") String configFile,
      @JsonProperty("repoPath") String repoPath,
      @JsonProperty("command") String command,
      @JsonProperty("retentionFull") Integer retentionFull,
      @JsonProperty("minFull") Integer minFull,
      @JsonProperty("cipherPassEnv") String cipherPassEnv,
      @JsonProperty("cipherPassFile") String cipherPassFile,
      @JsonProperty("archiveLagDegradedSeconds") Long archiveLagDegradedSeconds,
      @JsonProperty("archiveLagUnhealthySeconds") Long archiveLagUnhealthySeconds,
      @JsonProperty("backupAgeDegradedHours") Long backupAgeDegradedHours,
      @JsonProperty("backupAgeUnhealthyHours") Long backupAgeUnhealthyHours,
      @JsonProperty("rtoObjective") Duration rtoObjective,
      @JsonProperty("rpoObjective") Duration rpoObjective,
      @JsonProperty("backupStandby") Boolean backupStandby,
      @JsonProperty("socketPath") String socketPath) {
    return new PgBackRestConfig(stanza, Copies.or(configFile, DEFAULT_CONFIG_FILE), Copies.or(repoPath, "/pgbackrest"),
        Copies.or(command, DEFAULT_COMMAND), Copies.or(retentionFull, 2), Copies.or(minFull, 1), cipherPassEnv,
        cipherPassFile, Copies.or(archiveLagDegradedSeconds, 300L), Copies.or(archiveLagUnhealthySeconds, 1800L),
        Copies.or(backupAgeDegradedHours, 26L), Copies.or(backupAgeUnhealthyHours, 50L), rtoObjective, rpoObjective,
        Copies.or(backupStandby, false), socketPath);
  }

  /** Whether the repository is encrypted with a passphrase the runbooks pass. */
  public boolean encrypted() {
    return cipherPassEnv != null || cipherPassFile != null;
  }

  /** The repository passphrase, or null when none is configured. */
  public String resolveCipherPass(Map<String, String> env) {
    return Secrets.resolve("pgBackRest repository passphrase", cipherPassEnv, cipherPassFile, env);
  }
}
