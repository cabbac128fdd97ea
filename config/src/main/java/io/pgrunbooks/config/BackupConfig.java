package io.pgrunbooks.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Settings of the {@code Backup} and {@code BackupVerification} runbooks (section {@code backup}).
 * Backups go to the {@code archive} bucket under {@code <prefix>/backups/<cluster>/<database>/<UTC timestamp>/}.
 *
 * @param preferReplica dump from a healthy replica when there is one (true), else from the primary
 * @param exactCountMaxTables tables counted exactly in the dump's snapshot, smallest first (1000); the
 *     others get the planner's estimate, marked as such, and are not compared by verification
 * @param keepVerified retention: the newest N verified backups are always kept (7, at least 1)
 * @param keepDays retention: every backup younger than D days is kept (14)
 * @param restoreJobs {@code pg_restore --jobs} of verification; 0 = the worker's cores (0)
 * @param maxVerifiedAgeHours HealthCheck reports a database unhealthy when its newest verified
 *     backup is older than this (26); 0 turns the check off
 * @param pgBinDir directory of pg_dump, pg_restore and pg_amcheck; null searches PATH and
 *     /usr/lib/postgresql/{version}/bin
 * @param verification the separate PostgreSQL instance verification restores into
 * @param verificationTargets per cluster, the instance its backups are verified on instead of {@code verification}
 *     (one instance for many clusters is a bottleneck); never null
 * @param tempDir where a dump is downloaded for a parallel {@code pg_restore}; null: the JVM's temporary directory
 */
public record BackupConfig(
    boolean preferReplica,
    int exactCountMaxTables,
    int keepVerified,
    int keepDays,
    int restoreJobs,
    int maxVerifiedAgeHours,
    String pgBinDir,
    VerificationTarget verification,
    Map<String, VerificationTarget> verificationTargets,
    String tempDir) {

  public BackupConfig {
    // Kept with null entries (a cluster named without a target), which the validator reports.
    verificationTargets = verificationTargets == null ? Map.of()
        : Collections.unmodifiableMap(new LinkedHashMap<>(verificationTargets));
  }

  public static BackupConfig defaults() {
    return new BackupConfig(true, 1000, 7, 14, 0, 26, null, null, Map.of(), null);
  }

  @JsonCreator
  static BackupConfig fromYaml(
      @JsonProperty("preferReplica") Boolean preferReplica,
      @JsonProperty("exactCountMaxTables") Integer exactCountMaxTables,
      @JsonProperty("keepVerified") Integer keepVerified,
      @JsonProperty("keepDays") Integer keepDays,
      @JsonProperty("restoreJobs") Integer restoreJobs,
      @JsonProperty("maxVerifiedAgeHours") Integer maxVerifiedAgeHours,
      @JsonProperty("pgBinDir") String pgBinDir,
      @JsonProperty("verification") VerificationTarget verification,
      @JsonProperty("verificationTargets") Map<String, VerificationTarget> verificationTargets,
      @JsonProperty("tempDir") String tempDir) {
    BackupConfig d = defaults();
    return new BackupConfig(Copies.or(preferReplica, d.preferReplica()),
        Copies.or(exactCountMaxTables, d.exactCountMaxTables()),
        Copies.or(keepVerified, d.keepVerified()), Copies.or(keepDays, d.keepDays()),
        Copies.or(restoreJobs, d.restoreJobs()), Copies.or(maxVerifiedAgeHours, d.maxVerifiedAgeHours()),
        pgBinDir, verification, verificationTargets, tempDir);
  }

  /** The instance {@code cluster}'s backups are verified on: its own when configured, else {@code verification}. */
  public VerificationTarget verificationFor(String cluster) {
    VerificationTarget own = cluster == null ? null : verificationTargets.get(cluster);
    return own != null ? own : verification;
  }

  /** {@code pg_restore --jobs}: the configured number, or the worker's cores. */
  public int effectiveRestoreJobs() {
    return restoreJobs > 0 ? restoreJobs : Math.max(1, Runtime.getRuntime().availableProcessors());
  }

  /**
   * The PostgreSQL instance that verification restores into: a scratch database is created there
   * and dropped after each run. It must not be a node of a configured cluster unless
   * {@code allowPrimary} says so explicitly.
   *
   * @param maintenanceDatabase database to connect to for CREATE/DROP DATABASE (postgres)
   */
  public record VerificationTarget(String host, int port, Credentials credentials, String maintenanceDatabase,
                                   boolean allowPrimary) {
    public VerificationTarget {
      credentials = credentials == null ? Credentials.defaults() : credentials;
      maintenanceDatabase = Copies.or(maintenanceDatabase, "postgres");
    }
  }
}
