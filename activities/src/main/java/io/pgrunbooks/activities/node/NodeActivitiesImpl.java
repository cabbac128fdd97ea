package io.pgrunbooks.activities.node;

import io.pgrunbooks.activities.postgres.ConnectionFactory;
import io.pgrunbooks.workflows.activities.NodeActivities.BaseBackupInput;
import io.pgrunbooks.workflows.activities.NodeActivities.CommandOutcome;
import io.pgrunbooks.workflows.activities.NodeActivities.NodePlan;
import io.pgrunbooks.workflows.activities.NodeActivities.NodeState;
import io.pgrunbooks.workflows.activities.NodeActivities.RebuildStep;
import java.time.Duration;
import java.util.Map;

import io.pgrunbooks.activities.Lookups;
import io.pgrunbooks.config.ClusterConfig;
import io.pgrunbooks.config.NodeConfig;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.workflows.activities.DiskUsage;
import io.pgrunbooks.workflows.activities.DiskUsageInput;
import io.pgrunbooks.workflows.activities.NodeActivities;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.FileStore;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * {@link NodeActivities} of the node agent serving one node. It acts only for that node: a task
 * routed here for another node is refused, so a mistake in routing can never touch the wrong host.
 */
public class NodeActivitiesImpl implements NodeActivities {
  private final RunbooksConfig config;
  private final String nodeName;
  private final Map<String, String> env;
  private final ConnectionFactory connections;

  public NodeActivitiesImpl(RunbooksConfig config, String nodeName) {
    this(config, nodeName, Map.of());
  }

  /** @param env where the cluster password is resolved from (for pg_basebackup and pg_is_in_recovery) */
  public NodeActivitiesImpl(RunbooksConfig config, String nodeName, Map<String, String> env) {
    this.config = config;
    this.nodeName = nodeName;
    this.env = env;
    this.connections = new ConnectionFactory(config, () -> env, Duration.ofSeconds(5), Duration.ofSeconds(30));
  }

  @Override
  public NodeState nodeState(RebuildStep input) {
    return rebuilder(input.cluster(), input.node()).state(input.runId());
  }

  @Override
  public NodePlan rebuildPlan(BaseBackupInput input) {
    return rebuilder(input.cluster(), input.node()).plan(input);
  }

  @Override
  public CommandOutcome stopPostgres(RebuildStep input) {
    return rebuilder(input.cluster(), input.node()).stop();
  }

  @Override
  public CommandOutcome moveDataDirAside(RebuildStep input) {
    return rebuilder(input.cluster(), input.node()).moveAside(input.runId());
  }

  @Override
  public CommandOutcome baseBackup(BaseBackupInput input) {
    return rebuilder(input.cluster(), input.node()).baseBackup(input);
  }

  @Override
  public CommandOutcome startPostgres(RebuildStep input) {
    return rebuilder(input.cluster(), input.node()).start();
  }

  @Override
  public CommandOutcome removeOldDataDir(RebuildStep input) {
    return rebuilder(input.cluster(), input.node()).removeOld(input.runId());
  }

  @Override
  public CommandOutcome restoreOldDataDir(RebuildStep input) {
    return rebuilder(input.cluster(), input.node()).restore(input.runId());
  }

  /** The rebuild steps for this agent's own node (BadInput for another node, Config without a dataDir). */
  ReplicaRebuilder rebuilder(String clusterName, String node) {
    NodeConfig n = ownNode(clusterName, node);
    if (n.dataDir() == null || n.dataDir().isBlank()) {
      throw Lookups.config("node " + nodeName + " of cluster " + clusterName + " has no dataDir configured");
    }
    return new ReplicaRebuilder(Lookups.cluster(config, clusterName), clusterName, n, connections, env);
  }

  @Override
  public DiskUsage diskUsage(DiskUsageInput input) {
    NodeConfig node = ownNode(input.cluster(), input.node());
    if (node.dataDir() == null || node.dataDir().isBlank()) {
      throw Lookups.config("node " + nodeName + " of cluster " + input.cluster() + " has no dataDir configured");
    }
    Path dataDir = Path.of(node.dataDir());
    if (!Files.isDirectory(dataDir)) {
      throw Lookups.config("data directory " + dataDir + " of " + nodeName + " does not exist on " + hostName());
    }
    try {
      // The data dir itself may be a link (e.g. into a mounted volume): measure what it points at.
      Path root = dataDir.toRealPath();
      long bytes = sizeOf(root);
      // pg_wal is often a link to another volume; its WAL is still this node's disk use.
      Path wal = root.resolve("pg_wal");
      if (Files.isSymbolicLink(wal)) {
        bytes += sizeOf(wal.toRealPath());
      }
      FileStore store = Files.getFileStore(root);
      return new DiskUsage(nodeName, dataDir.toString(), bytes, store.getTotalSpace(), store.getUsableSpace(),
          hostName());
    } catch (IOException e) {
      throw Lookups.config("cannot measure " + dataDir + " on " + hostName() + ": " + e.getMessage());
    }
  }

  private NodeConfig ownNode(String clusterName, String requested) {
    if (!nodeName.equals(requested)) {
      throw Lookups.badInput("the node agent of " + nodeName + " was asked about node " + requested
          + "; refusing (each agent acts only for its own host)");
    }
    ClusterConfig cluster = Lookups.cluster(config, clusterName);
    return Lookups.node(cluster, clusterName, nodeName);
  }

  /** Sum of regular file sizes under {@code root}; links are not followed, unreadable entries skipped. */
  static long sizeOf(Path root) throws IOException {
    long[] total = {0};
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        if (attrs.isRegularFile()) {
          total[0] += attrs.size();
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException e) {
        // Files come and go under a running server (temp files, recycled WAL); skip, do not fail.
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException e) {
        return FileVisitResult.CONTINUE;
      }
    });
    return total[0];
  }

  static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      String env = System.getenv("HOSTNAME");
      return env != null ? env : "unknown-host";
    }
  }
}
