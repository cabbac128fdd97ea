package io.pgrunbooks.ops.dev;

import io.pgrunbooks.config.ClusterConfig;
import io.pgrunbooks.config.NodeConfig;
import io.pgrunbooks.config.PgBackRestConfig;
import io.pgrunbooks.ops.stack.LocalStack;
import io.pgrunbooks.ops.stack.PgBackRestStack;
import java.nio.file.Path;
import java.util.Map;

/**
 * What {@code runbooks dev} does for a cluster with a {@code pgbackrest} section: archiving settings
 * written before the nodes start (no restart), then the pgBackRest config, stanza-create and check once
 * the S3 store serves HTTPS on {@link #S3_TLS_PORT}.
 */
public final class DevPgBackRest {
  /** The S3 store's HTTPS port in {@code runbooks dev}: pgBackRest's repository endpoint. */
  public static final int S3_TLS_PORT = 19443;

  private DevPgBackRest() {}

  /** A reason the config cannot be served by this dev dir, or null when it can (or has no pgbackrest section). */
  public static String problem(ClusterConfig cluster, Path devDir) {
    PgBackRestConfig b = cluster.pgbackrest();
    if (b == null) {
      return null;
    }
    Path expected = PgBackRestStack.configFile(devDir);
    if (!Path.of(b.configFile()).toAbsolutePath().normalize().equals(expected)) {
      return "runbooks dev writes pgBackRest's config to " + expected + "; set clusters.<name>.pgbackrest.configFile"
          + " to ${RUNBOOKS_DEV_DIR}/pgbackrest/pgbackrest.conf (it is " + b.configFile() + ")";
    }
    if (!PgBackRestConfig.DEFAULT_COMMAND.equals(b.command())) {
      return "runbooks dev runs " + PgBackRestConfig.DEFAULT_COMMAND + "; clusters.<name>.pgbackrest.command is "
          + b.command();
    }
    return null;
  }

  /**
   * Before the stack starts, when its data dirs exist already: every node's archive settings, so the
   * start needs no restart. A fresh dir gets them after stanza-create instead ({@link #afterStart}
   * restarts the new nodes once): archiving before the stanza exists only piles up failed pushes that
   * the first check then waits for.
   */
  public static void beforeStart(ClusterConfig cluster, Path devDir) {
    boolean existing = java.nio.file.Files.exists(devDir.resolve("pg").resolve(cluster.nodes().get(0).name())
        .resolve("PG_VERSION"));
    if (cluster.pgbackrest() != null && existing) {
      PgBackRestStack.binary();
      PgBackRestStack.writeArchiveSettings(devDir, cluster.nodes().stream().map(NodeConfig::name).toList(),
          cluster.pgbackrest().stanza());
    }
  }

  /** The {@code pgbackrest} section of {@code stack.json}: the stanza, the config file every node's archive_command reads. */
  public static Map<String, Object> describe(ClusterConfig cluster, PgBackRestStack pgbackrest) {
    Map<String, Object> out = new java.util.LinkedHashMap<>();
    out.put("stanza", pgbackrest.stanza());
    out.put("configFile", pgbackrest.configFile().toString());
    out.put("repoPath", cluster.pgbackrest().repoPath());
    return out;
  }

  /** Once the stack runs: the pgBackRest config, the stanza and a check; null without a pgbackrest section. */
  public static PgBackRestStack afterStart(ClusterConfig cluster, LocalStack stack, Map<String, String> env) {
    PgBackRestConfig b = cluster.pgbackrest();
    if (b == null) {
      return null;
    }
    return PgBackRestStack.configure(stack, b.stanza(), b.repoPath(), b.resolveCipherPass(env));
  }
}
