package io.pgrunbooks.config;

import java.util.regex.Pattern;

/** Checks {@code clusters.<name>.pgbackrest}. */
final class PgBackRestValidator {
  // pgBackRest accepts more, but the stanza ends up in repository paths and workflow reports.
  private static final Pattern STANZA = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private PgBackRestValidator() {}

  static void validate(PgBackRestConfig b, String path, int nodes, Problems p) {
    if (Checks.required(p, path + ".stanza", b.stanza()) && !STANZA.matcher(b.stanza()).matches()) {
      p.add(path + ".stanza", "\"" + b.stanza() + "\" may only use A-Z a-z 0-9 _ - (at most 64)");
    }
    // Like a node's dataDir, configFile is a path on the database hosts, read by their node agents.
    Checks.required(p, path + ".configFile", b.configFile());
    Checks.required(p, path + ".command", b.command());
    absolute(p, path + ".repoPath", b.repoPath());
    if (b.retentionFull() < 1 || b.retentionFull() > 100) {
      p.add(path + ".retentionFull", "must be between 1 and 100 (was " + b.retentionFull() + ")");
    }
    if (b.minFull() < 1) {
      p.add(path + ".minFull", "must be at least 1: a restore needs a full backup (was " + b.minFull() + ")");
    } else if (b.minFull() > b.retentionFull()) {
      p.add(path + ".minFull", "must not exceed retentionFull (" + b.retentionFull() + "): expire would always "
          + "need an approval (was " + b.minFull() + ")");
    }
    if (b.cipherPassEnv() != null) {
      Checks.envName(p, path + ".cipherPassEnv", b.cipherPassEnv());
    }
    pair(p, path, "archiveLag", "Seconds", b.archiveLagDegradedSeconds(), b.archiveLagUnhealthySeconds());
    pair(p, path, "backupAge", "Hours", b.backupAgeDegradedHours(), b.backupAgeUnhealthyHours());
    Checks.notBoth(p, path, b.cipherPassEnv(), "cipherPassEnv", b.cipherPassFile(), "cipherPassFile");
    objective(p, path + ".rtoObjective", b.rtoObjective());
    objective(p, path + ".rpoObjective", b.rpoObjective());
    if (b.backupStandby() && nodes < 2) {
      p.add(path + ".backupStandby", "needs a replica to back up from, but the cluster has " + nodes
          + (nodes == 1 ? " node" : " nodes") + "; add a replica node or set backupStandby: false");
    }
    if (b.socketPath() != null && b.socketPath().isBlank()) {
      p.add(path + ".socketPath", "must name a directory (leave it out for pgBackRest's default)");
    }
  }

  private static void objective(Problems p, String path, java.time.Duration d) {
    if (d != null && (d.isNegative() || d.isZero() || d.compareTo(java.time.Duration.ofDays(7)) > 0)) {
      p.add(path, "must be more than 0 and at most 7d (was " + d + ")");
    }
  }

  private static void pair(Problems p, String path, String name, String unit, long degraded, long unhealthy) {
    if (degraded <= 0) {
      p.add(path + "." + name + "Degraded" + unit, "must be positive, got " + degraded);
    }
    if (unhealthy < degraded) {
      p.add(path + "." + name + "Unhealthy" + unit, "must be at least " + name + "Degraded" + unit + " ("
          + degraded + "), got " + unhealthy);
    }
  }

  private static void absolute(Problems p, String path, String value) {
    if (Checks.required(p, path, value) && !value.startsWith("/")) {
      p.add(path, "must be an absolute path (was \"" + value + "\")");
    }
  }
}
