package io.pgrunbooks.activities.node;

import io.pgrunbooks.activities.Lookups;
import io.pgrunbooks.config.ClusterConfig;
import io.pgrunbooks.config.PgBackRestConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code pgbackrest restore} of a backup plus WAL to a target into a directory, as RestoreDrill's scratch
 * instance and PointInTimeRestore's {@code into: node} run it: never archiving (its new timeline must never enter the
 * cluster's repository), tablespaces mapped beside the restore, the cipher pass only in the child's environment.
 */
final class PgBackRestRestore {
  private PgBackRestRestore() {}

  /** The cluster's {@code pgbackrest} section; BadInput when it has none. */
  static PgBackRestConfig config(ClusterConfig cluster, String clusterName) {
    PgBackRestConfig b = cluster.pgbackrest();
    if (b == null) {
      throw Lookups.badInput("cluster " + clusterName + " has no pgbackrest section (see ops/docs/physical-backup.md)");
    }
    return b;
  }

  /** The environment pgBackRest needs for an encrypted repository; empty otherwise. */
  static Map<String, String> env(PgBackRestConfig b, Map<String, String> env) {
    Map<String, String> childEnv = new HashMap<>();
    String pass = b.resolveCipherPass(env);
    if (pass != null) {
      childEnv.put("PGBACKREST_REPO1_CIPHER_PASS", pass);
      childEnv.put("PGBACKREST_REPO1_CIPHER_TYPE", "aes-256-cbc");
    }
    return childEnv;
  }

  /**
   * {@code pgbackrest restore --set=<label> --type=<type> --target=<target> --target-action=<action>
   * --archive-mode=off} into {@code pgPath}.
   *
   * @param action {@code promote} (a scratch instance to query at once) or {@code pause} (read-only at the target)
   */
  static List<String> command(PgBackRestConfig c, Path pgPath, String label, String type, String target,
                              String action, Path tablespaces) {
    return command(c, pgPath, label, type, target, action, tablespaces, false);
  }

  /**
   * As the other, but with {@code archives} the restored server keeps the archiving settings of the backup
   * ({@code --archive-mode=preserve}): into: inPlace, where the restored server is the cluster's primary again.
   */
  static List<String> command(PgBackRestConfig c, Path pgPath, String label, String type, String target,
                              String action, Path tablespaces, boolean archives) {
    return List.of(c.command(), "--config=" + Path.of(c.configFile()).toAbsolutePath().normalize(),
        "--stanza=" + c.stanza(), "--repo1-path=" + c.repoPath(), "--pg1-path=" + pgPath, "--set=" + label,
        "--type=" + type, "--target=" + target, "--target-action=" + action,
        "--archive-mode=" + (archives ? "preserve" : "off"), "--tablespace-map-all=" + tablespaces,
        "--log-level-console=info", "restore");
  }
}
