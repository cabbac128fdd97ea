package io.pgrunbooks.activities.node;

import static io.pgrunbooks.activities.ActivitySupport.heartbeat;

import io.pgrunbooks.activities.ActivitySupport;
import io.pgrunbooks.activities.Lookups;
import io.pgrunbooks.config.ClusterConfig;
import io.pgrunbooks.config.NodeConfig;
import io.pgrunbooks.config.PgBackRestConfig;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.workflows.restoredrill.DrillInstance;
import io.pgrunbooks.workflows.restoredrill.DrillRemoveCall;
import io.pgrunbooks.workflows.restoredrill.DrillRestoreCall;
import io.pgrunbooks.workflows.restoredrill.DrillScratchActivities;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The scratch instance of a restore drill on this node agent's host: {@code pgbackrest restore} into
 * {@code <dataDir>/../pg-runbooks-drills/<scratch>}, started with archiving off on a free port, and removed again.
 * It never touches the node's own data directory; tablespaces are restored under the scratch directory too.
 */
public class DrillScratchActivitiesImpl implements DrillScratchActivities {
  public static final String FAILED = "RestoreDrillFailed";
  /** Directory beside the node's data dir that holds every drill's scratch instance. */
  public static final String DRILLS_DIR = "pg-runbooks-drills";
  private static final Pattern SCRATCH = Pattern.compile("drill-[a-z0-9-]{1,80}");
  private static final String LOG = "drill.log";

  private final RunbooksConfig config;
  private final String nodeName;
  private final Map<String, String> env;

  public DrillScratchActivitiesImpl(RunbooksConfig config, String nodeName, Map<String, String> env) {
    this.config = config;
    this.nodeName = nodeName;
    this.env = env;
  }

  @Override
  public DrillInstance drillRestore(DrillRestoreCall call) {
    Setup s = setup(call.cluster(), call.scratch());
    // An earlier attempt's instance (or half a restore) goes first: the restore needs an empty directory.
    remove(s);
    try {
      Files.createDirectories(s.dir().getParent());
      HostCommands.chown(s.dir().getParent(), s.node().runAs());
      Files.createDirectory(s.dir(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      HostCommands.chown(s.dir(), s.node().runAs());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + s.dir(), e);
    }
    long t0 = System.nanoTime();
    List<String> restore = PgBackRestRestore.command(s.config(), s.dir(), call.backupLabel(), call.type(),
        call.target(), "promote", s.dir().resolve("tablespaces"));
    HostCommands.Result r = HostCommands.run(HostCommands.as(s.node().runAs(), restore), s.env(),
        TimeUnit.HOURS.toSeconds(12), line -> { }, line -> line.contains("restore file") ? line.strip() : null);
    if (!r.ok()) {
      throw ApplicationFailure.newNonRetryableFailure("pgbackrest restore of " + call.backupLabel() + " failed (exit "
          + r.exitCode() + "): " + r.tail().strip(), FAILED);
    }
    double restoreSeconds = (System.nanoTime() - t0) / 1e9;
    int port = freePort();
    Path log = s.dir().resolve(LOG);
    List<String> start = List.of(s.node().binDir() + "/pg_ctl", "-D", s.dir().toString(), "-l", log.toString(), "-W",
        "-o", String.join(" ", "-c port=" + port, "-c archive_mode=off", "-c logging_collector=off",
            "-c unix_socket_directories=''", "-c cluster_name=" + call.scratch(), "-c shared_buffers=128MB",
            "-c max_wal_senders=0", "-c max_replication_slots=0", "-c hot_standby=off"), "start");
    HostCommands.Result started = HostCommands.run(HostCommands.as(s.node().runAs(), start), 120);
    if (!started.ok()) {
      throw ApplicationFailure.newNonRetryableFailure("pg_ctl start of the restored instance failed (exit "
          + started.exitCode() + "): " + started.tail().strip() + "\n" + tail(log), FAILED);
    }
    String stop = awaitReady(s, log, port);
    double rto = (System.nanoTime() - t0) / 1e9;
    return new DrillInstance(s.dir().toString(), port, restoreSeconds, rto, stop);
  }

  @Override
  public boolean drillRemove(DrillRemoveCall call) {
    return remove(setup(call.cluster(), call.scratch()));
  }

  /**
   * Waits until recovery ended and the server accepts connections ({@code pg_isready} on its port), or fails with
   * the server's log when it stopped (a recovery target never reached, a WAL segment missing from the repository).
   * Returns the log line saying where recovery stopped.
   */
  private String awaitReady(Setup s, Path log, int port) {
    long started = System.nanoTime();
    while (true) {
      String text = read(log);
      boolean ready = text.lines().anyMatch(l -> l.contains("database system is ready to accept connections"));
      if (ready) {
        List<String> ping = List.of(s.node().binDir() + "/pg_isready", "-h", s.node().host(), "-p",
            Integer.toString(port), "-t", "5");
        if (HostCommands.run(ping, 30).ok()) {
          return text.lines().filter(l -> l.contains("recovery stopping")).map(String::strip).findFirst().orElse(null);
        }
      } else if (!running(s) && System.nanoTime() - started > TimeUnit.SECONDS.toNanos(2)) {
        throw ApplicationFailure.newNonRetryableFailure("the restored instance stopped before recovery reached the "
            + "target: " + tail(log), FAILED);
      }
      heartbeat("recovering: " + lastLine(text));
      ActivitySupport.pause(500, FAILED + "Interrupted");
    }
  }

  private boolean remove(Setup s) {
    if (!Files.exists(s.dir())) {
      return false;
    }
    heartbeat("stopping " + s.dir());
    if (Files.exists(s.dir().resolve("postmaster.pid"))) {
      HostCommands.run(HostCommands.as(s.node().runAs(), List.of(s.node().binDir() + "/pg_ctl", "-D",
          s.dir().toString(), "-m", "immediate", "-w", "-t", "60", "stop")), 90);
    }
    // A postmaster whose pid file is gone (or that ignored the stop) must not keep writing into what we delete.
    HostCommands.killProcessesUsing(s.dir().toString());
    HostCommands.deleteTree(s.dir());
    return true;
  }

  private boolean running(Setup s) {
    return HostCommands.run(HostCommands.as(s.node().runAs(), List.of(s.node().binDir() + "/pg_ctl", "-D",
        s.dir().toString(), "status")), 30).ok();
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("0.0.0.0"))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port for the scratch instance", e);
    }
  }

  static String read(Path log) {
    try {
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "";
    }
  }

  private static String lastLine(String text) {
    List<String> lines = text.lines().toList();
    return lines.isEmpty() ? "starting" : lines.get(lines.size() - 1);
  }

  /** The last 12 lines of a PostgreSQL log file (empty when it is missing). */
  static String tail(Path log) {
    List<String> lines = read(log).lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 12), lines.size()));
  }

  private Setup setup(String clusterName, String scratch) {
    if (scratch == null || !SCRATCH.matcher(scratch).matches()) {
      throw Lookups.badInput("'" + scratch + "' is not a restore drill scratch name (drill-...)");
    }
    ClusterConfig cluster = Lookups.cluster(config, clusterName);
    PgBackRestConfig b = PgBackRestRestore.config(cluster, clusterName);
    NodeConfig node = Lookups.node(cluster, clusterName, nodeName);
    Map<String, String> childEnv = PgBackRestRestore.env(b, env);
    Path dir = Path.of(node.dataDir()).toAbsolutePath().normalize().resolveSibling(DRILLS_DIR).resolve(scratch);
    return new Setup(b, node, childEnv, dir);
  }

  private record Setup(PgBackRestConfig config, NodeConfig node, Map<String, String> env, Path dir) {}
}
