package io.pgrunbooks.activities.node;

import io.pgrunbooks.activities.Lookups;
import io.pgrunbooks.config.ClusterConfig;
import io.pgrunbooks.config.NodeConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cluster password for a child process on the host (pg_basebackup, pg_rewind): a 0600 passfile owned
 * by the node's user, never the command line or the environment of the agent's own process.
 */
final class PassFiles {
  private static final Pattern PASSFILE = Pattern.compile("passfile=''[^']*''\\s*");

  private final ClusterConfig cluster;
  private final String clusterName;
  private final NodeConfig node;
  private final Map<String, String> env;

  PassFiles(ClusterConfig cluster, String clusterName, NodeConfig node, Map<String, String> env) {
    this.cluster = cluster;
    this.clusterName = clusterName;
    this.node = node;
    this.env = env;
  }

  /** Writes the cluster password to a 0600 passfile owned by runAs; returns the child's environment. */
  Map<String, String> writePassFile(Path passFile) throws IOException {
    String password;
    try {
      password = cluster.credentials().resolvePassword(env);
    } catch (IllegalStateException e) {
      throw Lookups.config("cluster " + clusterName + ": " + e.getMessage());
    }
    if (password == null) {
      return Map.of();
    }
    Files.deleteIfExists(passFile);
    Files.createFile(passFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(passFile, "*:*:*:" + esc(cluster.credentials().user()) + ":" + esc(password) + "\n",
        StandardCharsets.UTF_8);
    HostCommands.chown(passFile, node.runAs());
    return Map.of("PGPASSFILE", passFile.toString());
  }

  /** -R names our temporary passfile in primary_conninfo: point it at the configured one, or drop it. */
  void fixConnInfo(Path autoConf) throws IOException {
    if (!Files.exists(autoConf)) {
      return;
    }
    String text = Files.readString(autoConf, StandardCharsets.UTF_8);
    String configured = cluster.rebuild().streamingPassFile();
    String replacement = configured == null ? "" : Matcher.quoteReplacement("passfile=''" + configured + "'' ");
    Files.writeString(autoConf, PASSFILE.matcher(text).replaceAll(replacement), StandardCharsets.UTF_8);
  }

  private static String esc(String s) {
    return s.replace("\\", "\\\\").replace(":", "\\:");
  }
}
