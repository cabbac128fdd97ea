package io.pgrunbooks.workflows.restoredatabase;

import io.pgrunbooks.workflows.restoredatabase.RestoreDatabaseActivities.RestoreFacts;
import io.pgrunbooks.workflows.backup.BackupManifest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.regex.Pattern;

/** {@code RestoreDatabase}'s decisions, pure: input, target and swap checks and the names it uses. */
final class RestoreDatabaseRules {
  /** Lower-case unquoted identifiers only: the names end up in SQL, PgBouncer commands and reports. */
  private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd't'HHmmss").withZone(ZoneOffset.UTC);
  /** {@code _before_} plus the 16-character stamp; PostgreSQL keeps 63 bytes of a name. */
  static final int MAX_SWAPPED_NAME = 63 - "_before_".length() - 16;

  /** What the swap does next, from which names exist now: a crashed swap continues where it stopped. */
  enum SwapStep { RENAME_LIVE_AWAY, RENAME_RESTORED_INTO_PLACE, DONE }

  private RestoreDatabaseRules() {}

  /** Why the input is unusable, or null. */
  static String inputProblem(RestoreDatabaseInput in) {
    if (in == null || blank(in.cluster()) || blank(in.database()) || blank(in.targetDatabase())) {
      return "RestoreDatabase needs a cluster, a database and a targetDatabase, e.g. {\"cluster\": \"main\", "
          + "\"database\": \"app\", \"targetDatabase\": \"app_restored\"}";
    }
    String database = in.database().strip();
    String target = in.targetDatabase().strip();
    if (!NAME.matcher(database).matches()) {
      return "database \"" + database + "\" is not a plain lower-case name ([a-z_][a-z0-9_]*, at most 63)";
    }
    if (!NAME.matcher(target).matches()) {
      return "targetDatabase \"" + target + "\" is not a plain lower-case name ([a-z_][a-z0-9_]*, at most 63)";
    }
    if (target.equals(database)) {
      return "targetDatabase must differ from database " + database + ": the restore goes into a NEW database "
          + "(use swap: true to put it in the live one's place)";
    }
    if (target.equals("postgres") || target.startsWith("template")) {
      return "targetDatabase " + target + " is a system database name";
    }
    if (in.swap() && database.length() > MAX_SWAPPED_NAME) {
      return "database " + database + " is too long to be renamed to " + database + "_before_<timestamp> (at most "
          + MAX_SWAPPED_NAME + " characters for a swap)";
    }
    return null;
  }

  /** Why this backup must not be restored as the backup of {@code cluster}/{@code database}, or null. */
  static String manifestProblem(String key, BackupManifest m, String cluster, String database) {
    if (!cluster.equals(m.cluster()) || !database.equals(m.database())) {
      return "backup " + key + " is a backup of " + m.cluster() + "/" + m.database() + ", not of " + cluster + "/"
          + database;
    }
    return null;
  }

  /** The comment that marks a target this run created: an earlier attempt's half-restored target is recognised by it. */
  static String marker(String workflowId, String runId) {
    return "pg-runbooks RestoreDatabase " + workflowId + " run " + runId;
  }

  /** {@code <database>_before_<UTC stamp>} of the run's start. */
  static String beforeName(String database, Instant at) {
    return database + "_before_" + STAMP.format(at);
  }

  /** Why the target cannot be restored into (BadInput or SafetyRefused is the caller's choice), or null. */
  static String targetProblem(RestoreFacts f, String target, String marker) {
    if (f.targetConfigured()) {
      return "targetDatabase " + target + " is a configured database of this cluster (clusters.<name>.databases); "
          + "choose a new name";
    }
    if (f.targetExists() && !marker.equals(f.targetComment())) {
      return "database " + target + " already exists and was not created by this run"
          + (f.targetComment() == null ? "" : " (comment: " + f.targetComment() + ")")
          + "; it is never dropped by RestoreDatabase: choose another targetDatabase or drop it yourself";
    }
    return null;
  }

  /** Why a swap cannot start, or null. */
  static String swapProblem(RestoreFacts f, String database, String before) {
    if (!f.databaseExists()) {
      return "database " + database + " does not exist: there is nothing to swap (restore without swap, or rename "
          + "the restored database yourself)";
    }
    if (f.beforeExists()) {
      return "database " + before + " already exists: the live database cannot be renamed to it";
    }
    return null;
  }

  /**
   * The next swap step from the names that exist now, or null when they are in no state a swap of this run
   * leaves (someone else renamed or created a database meanwhile): then nothing more is renamed.
   */
  static SwapStep nextSwapStep(RestoreFacts f, String marker) {
    boolean ourTarget = f.targetExists() && marker.equals(f.targetComment());
    if (f.databaseExists() && ourTarget && !f.beforeExists()) {
      return SwapStep.RENAME_LIVE_AWAY;
    }
    if (!f.databaseExists() && ourTarget && f.beforeExists()) {
      return SwapStep.RENAME_RESTORED_INTO_PLACE;
    }
    if (f.databaseExists() && marker.equals(f.databaseComment()) && !f.targetExists() && f.beforeExists()) {
      return SwapStep.DONE;
    }
    return null;
  }

  static String names(RestoreFacts f, String database, String target, String before) {
    return database + (f.databaseExists() ? " exists" : " missing") + ", " + target
        + (f.targetExists() ? " exists" : " missing") + ", " + before + (f.beforeExists() ? " exists" : " missing");
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
