package io.pgrunbooks.ops.stack;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * How to start a {@link PostgresCluster}.
 *
 * @param baseDir data dirs go to {@code <baseDir>/pg/<name>}; deleted on close unless reuseExisting
 * @param primaryName name of the node initialised by initdb, for example {@code pg1}
 * @param primaryPort 0 = a free port (or, when reusing, the port the node had before)
 * @param replicaNames streaming replicas cloned from the primary with pg_basebackup
 * @param replicaPorts one per replica, 0 = free port; may be empty for all-free
 * @param superuserPassword password of the {@code postgres} role; null = trust authentication
 * @param reuseExisting start existing data dirs instead of initdb, and keep them on close
 * @param patroni run the nodes under Patroni (with one etcd) instead of pg_ctl; null = direct
 */
public record PostgresClusterOptions(
    Path baseDir,
    String primaryName,
    int primaryPort,
    List<String> replicaNames,
    List<Integer> replicaPorts,
    String superuserPassword,
    boolean reuseExisting,
    Patroni patroni) {

  /**
   * The Patroni mode's ports.
   *
   * @param restPorts REST API port per node, primary first (0 or missing = a free port)
   * @param etcdPort etcd's client port (0 = a free port)
   */
  public record Patroni(List<Integer> restPorts, int etcdPort) {
    public Patroni {
      restPorts = restPorts == null ? List.of() : List.copyOf(restPorts);
    }
  }

  /** Direct mode: the stack runs the nodes with pg_ctl. */
  public PostgresClusterOptions(Path baseDir, String primaryName, int primaryPort, List<String> replicaNames,
      List<Integer> replicaPorts, String superuserPassword, boolean reuseExisting) {
    this(baseDir, primaryName, primaryPort, replicaNames, replicaPorts, superuserPassword, reuseExisting, null);
  }

  public PostgresClusterOptions {
    Objects.requireNonNull(baseDir, "baseDir");
    primaryName = primaryName == null ? "pg1" : primaryName;
    replicaNames = replicaNames == null ? List.of() : List.copyOf(replicaNames);
    List<Integer> ports = new ArrayList<>(replicaPorts == null ? List.of() : replicaPorts);
    if (ports.size() > replicaNames.size()) {
      throw new IllegalArgumentException("more replica ports than replicas: " + ports);
    }
    while (ports.size() < replicaNames.size()) {
      ports.add(0);
    }
    replicaPorts = List.copyOf(ports);
    var seen = new HashSet<String>();
    for (String name : concat(primaryName, replicaNames)) {
      if (!name.matches("[A-Za-z0-9_-]{1,40}")) {
        throw new IllegalArgumentException("node name must be 1-40 of [A-Za-z0-9_-]: '" + name + "'");
      }
      if (!seen.add(name)) {
        throw new IllegalArgumentException("duplicate node name: " + name);
      }
    }
  }

  /** Primary {@code pg1} and one replica {@code pg2} on free ports, fresh data dirs. */
  public static PostgresClusterOptions primaryAndOneReplica(Path baseDir, String superuserPassword) {
    return new PostgresClusterOptions(baseDir, "pg1", 0, List.of("pg2"), List.of(), superuserPassword, false);
  }

  private static List<String> concat(String first, List<String> rest) {
    List<String> all = new ArrayList<>();
    all.add(first);
    all.addAll(rest);
    return all;
  }
}
