package io.pgrunbooks.ops.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A real PostgreSQL 15 cluster on this machine: a primary created by initdb (data checksums on)
 * and streaming replicas cloned with pg_basebackup, each with its own physical replication slot.
 * Servers run as the {@code postgres} OS user when the JVM is root. Closing stops every node and,
 * unless {@code reuseExisting}, deletes the base dir; a JVM shutdown hook does the same if the
 * caller never closes it.
 */
public final class PostgresCluster implements AutoCloseable {
  private static final List<String> TOOLS = List.of("initdb", "pg_ctl", "pg_basebackup", "postgres", "psql");

  private final PostgresClusterOptions options;
  private final Prerequisites prerequisites;
  private final Path pgDir;
  private final Path socketDir;
  private final Path passFile;
  private final List<PostgresNode> nodes = new ArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private PatroniServers patroni;

  private PostgresCluster(PostgresClusterOptions options, Prerequisites prerequisites) {
    this.options = options;
    this.prerequisites = prerequisites;
    this.pgDir = options.baseDir().toAbsolutePath().resolve("pg");
    this.socketDir = pgDir.resolve("run");
    this.passFile = options.superuserPassword() == null ? null : pgDir.resolve(".pgpass");
  }

  /** The Patroni mode's etcd and Patronis, or null when the stack runs the nodes with pg_ctl. */
  public PatroniServers patroni() {
    return patroni;
  }

  /** The libpq passfile of the superuser (for PGPASSFILE or passfile=), or null without a password. */
  public Path passFile() {
    return passFile;
  }

  /** Creates (or, with reuseExisting, restarts) the cluster and returns once every node accepts connections. */
  public static PostgresCluster start(PostgresClusterOptions options) {
    Prerequisites prerequisites = new Prerequisites();
    TOOLS.forEach(prerequisites::pgTool);
    // Preloaded on every node (PostgresNode) and created in databases by QueryReport/CreateIndex tests and the demo.
    prerequisites.pgExtension("pg_stat_statements", Prerequisites.POSTGRES_INSTALL);
    prerequisites.pgExtension("hypopg", Prerequisites.HYPOPG_INSTALL);
    // Repack: the extension in the database and the client beside it (Debian ships both in one package).
    prerequisites.pgExtension("pg_repack", Prerequisites.REPACK_INSTALL);
    if (!java.nio.file.Files.isExecutable(java.nio.file.Path.of("/usr/bin/pg_repack"))
        && !java.nio.file.Files.isExecutable(prerequisites.pgBinDir().resolve("pg_repack"))) {
      throw new MissingPrerequisiteException("pg_repack client", Prerequisites.REPACK_INSTALL,
          "not found at /usr/bin/pg_repack nor in " + prerequisites.pgBinDir());
    }
    PostgresCluster cluster = new PostgresCluster(options, prerequisites);
    ShutdownRegistry.register(cluster);
    try {
      cluster.boot();
      return cluster;
    } catch (RuntimeException e) {
      try {
        cluster.close();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /** The node created as primary. After a failover it may be a replica: see {@link #currentPrimary()}. */
  public PostgresNode primary() {
    return nodes.get(0);
  }

  /** The nodes created as replicas, in option order. */
  public List<PostgresNode> replicas() {
    return List.copyOf(nodes.subList(1, nodes.size()));
  }

  public List<PostgresNode> nodes() {
    return List.copyOf(nodes);
  }

  public PostgresNode node(String name) {
    return nodes.stream().filter(n -> n.name().equals(name)).findFirst()
        .orElseThrow(() -> new NoSuchElementException("no node " + name + " in " + nodeNames()));
  }

  /** The running node that is not in recovery, asked of the servers themselves. */
  public PostgresNode currentPrimary() {
    List<String> seen = new ArrayList<>();
    for (PostgresNode node : nodes) {
      if (!node.isRunning()) {
        seen.add(node.name() + ": not running");
        continue;
      }
      try {
        if (!node.inRecovery()) {
          return node;
        }
        seen.add(node.name() + ": in recovery");
      } catch (SQLException e) {
        seen.add(node.name() + ": " + e.getMessage());
      }
    }
    throw new IllegalStateException("no running primary: " + seen);
  }

  public String jdbcUrl(String node, String database) {
    return node(node).jdbcUrl(database);
  }

  /** Waits until the current primary's pg_stat_replication shows {@code replicaName} streaming. */
  public void awaitStreaming(String replicaName, Duration timeout) {
    PostgresNode replica = node(replicaName);
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "no row for application_name=" + replicaName;
    do {
      try (Connection c = currentPrimary().connect("postgres");
          PreparedStatement ps = c.prepareStatement(
              "SELECT state FROM pg_stat_replication WHERE application_name = ?")) {
        ps.setString(1, replicaName);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            last = "state " + rs.getString(1);
            if ("streaming".equals(rs.getString(1))) {
              return;
            }
          }
        }
      } catch (SQLException | IllegalStateException e) {
        last = e.getMessage();
      }
      Processes.sleep(Duration.ofMillis(100));
    } while (System.nanoTime() < deadline);
    throw new IllegalStateException("replica " + replicaName + " not streaming after " + timeout + " (" + last
        + ")\n--- tail of " + replica.logFile() + " ---\n" + Processes.tail(replica.logFile(), 30));
  }

  /** Stops every node (fast, then immediate) and deletes the base dir unless reuseExisting. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      stopServers();
    } finally {
      ShutdownRegistry.unregister(this);
      if (!options.reuseExisting()) {
        Processes.deleteTree(options.baseDir());
      }
    }
  }

  /**
   * Stops every node: in the Patroni mode every Patroni first (each stops its PostgreSQL; a paused one leaves it
   * running), then whatever PostgreSQL still runs, by data directory.
   */
  public void stopServers() {
    if (patroni != null) {
      patroni.stop();
    }
    Parallel.run("pg-stop", nodes.stream().<Runnable>map(n -> n::stop).toList());
  }

  private void boot() {
    prepareDirectories();
    if (options.patroni() != null) {
      bootPatroni();
      return;
    }
    PostgresNode primary = newNode(options.primaryName(), options.primaryPort());
    nodes.add(primary);
    if (isInitialised(primary.dataDir())) {
      requireReuse(primary);
    } else {
      initPrimary(primary);
    }
    primary.start();
    for (int i = 0; i < options.replicaNames().size(); i++) {
      PostgresNode replica = newNode(options.replicaNames().get(i), options.replicaPorts().get(i));
      nodes.add(replica);
      if (isInitialised(replica.dataDir())) {
        requireReuse(replica);
      } else {
        cloneReplica(replica);
      }
      replica.start();
    }
  }

  private void bootPatroni() {
    List<String> names = new ArrayList<>(List.of(options.primaryName()));
    names.addAll(options.replicaNames());
    List<Integer> ports = new ArrayList<>(List.of(options.primaryPort()));
    ports.addAll(options.replicaPorts());
    java.util.Map<String, Integer> restPorts = new java.util.LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      // A free port, not the previous one: Patroni rewrites the port on every start from its YAML.
      int port = ports.get(i) != 0 ? ports.get(i) : Prerequisites.freePort();
      nodes.add(new PostgresNode(prerequisites, names.get(i), port, pgDir.resolve(names.get(i)), socketDir,
          options.superuserPassword(), passFile));
      List<Integer> rest = options.patroni().restPorts();
      restPorts.put(names.get(i), i < rest.size() ? rest.get(i) : 0);
    }
    patroni = new PatroniServers(options.baseDir(), restPorts, options.patroni().etcdPort(),
        options.superuserPassword());
    patroni.start(prerequisites, nodes, socketDir);
  }

  private PostgresNode newNode(String name, int requestedPort) {
    Path dataDir = pgDir.resolve(name);
    int port = requestedPort != 0 ? requestedPort
        : options.reuseExisting() ? PostgresNode.previousPort(dataDir).orElseGet(Prerequisites::freePort)
        : Prerequisites.freePort();
    return new PostgresNode(prerequisites, name, port, dataDir, socketDir, options.superuserPassword(), passFile);
  }

  private void requireReuse(PostgresNode node) {
    if (!options.reuseExisting()) {
      throw new IllegalStateException("data dir " + node.dataDir()
          + " already exists; start with reuseExisting=true or delete it");
    }
  }

  private static boolean isInitialised(Path dataDir) {
    return Files.exists(dataDir.resolve("PG_VERSION"));
  }

  private void prepareDirectories() {
    try {
      Path base = options.baseDir().toAbsolutePath();
      Files.createDirectories(base);
      if (Prerequisites.runningAsRoot()) {
        // Temp dirs are 0700 root: the postgres user must at least traverse the base dir.
        Set<PosixFilePermission> perms = EnumSet.copyOf(Files.getPosixFilePermissions(base));
        perms.add(PosixFilePermission.OTHERS_EXECUTE);
        Files.setPosixFilePermissions(base, perms);
      }
      for (Path dir : List.of(pgDir, socketDir)) {
        Files.createDirectories(dir);
        Prerequisites.giveToPostgresUser(dir);
      }
      Files.setPosixFilePermissions(pgDir, PosixFilePermissions.fromString("rwx------"));
      Files.setPosixFilePermissions(socketDir, PosixFilePermissions.fromString("rwxr-xr-x"));
      if (Prerequisites.runningAsRoot()) {
        Processes.Result r = Processes.run(Prerequisites.asPostgresUser(List.of("test", "-w", pgDir.toString())),
            null, Map.of(), Duration.ofSeconds(10));
        if (!r.ok()) {
          throw new IllegalStateException("the " + Prerequisites.POSTGRES_OS_USER + " OS user cannot write " + pgDir
              + ": every parent directory of the base dir must be traversable (o+x) by it");
        }
      }
      if (passFile != null) {
        writePrivate(passFile, "*:*:*:postgres:" + options.superuserPassword()
            .replace("\\", "\\\\").replace(":", "\\:") + "\n");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare " + pgDir, e);
    }
  }

  private void initPrimary(PostgresNode primary) {
    String password = options.superuserPassword();
    String hostAuth = password == null ? "trust" : "scram-sha-256";
    List<String> cmd = new ArrayList<>(List.of(prerequisites.pgTool("initdb").toString(),
        "-D", primary.dataDir().toString(), "--data-checksums", "-U", "postgres", "-E", "UTF8", "--locale=C",
        "--auth-local=trust", "--auth-host=" + hostAuth, "--no-sync", "--no-instructions"));
    Path pwFile = pgDir.resolve(".initdb-pw");
    try {
      if (password != null) {
        writePrivate(pwFile, password + "\n");
        cmd.add("--pwfile=" + pwFile);
      }
      Processes.runChecked(Prerequisites.asPostgresUser(cmd), pgDir, Map.of(), Duration.ofMinutes(3));
    } finally {
      Processes.deleteQuietly(pwFile);
    }
    append(primary.dataDir().resolve("postgresql.conf"), """

        # pg-runbooks local stack
        listen_addresses = '127.0.0.1'
        wal_level = replica
        max_wal_senders = 10
        max_replication_slots = 10
        hot_standby = on
        wal_keep_size = '256MB'
        logging_collector = off
        # A standby retries a lost primary after 1s, not 5s: restarts and failovers converge sooner.
        wal_retrieve_retry_interval = '1s'
        include_if_exists = '%s'
        """.formatted(PostgresNode.NODE_CONF));
    overwrite(primary.dataDir().resolve("pg_hba.conf"), """
        # pg-runbooks local stack: trust on the local socket, %1$s over TCP
        local   all          all                   trust
        local   replication  all                   trust
        host    all          all   127.0.0.1/32    %1$s
        host    replication  all   127.0.0.1/32    %1$s
        host    all          all   ::1/128         %1$s
        host    replication  all   ::1/128         %1$s
        """.formatted(hostAuth));
  }

  private void cloneReplica(PostgresNode replica) {
    PostgresNode source = currentPrimary();
    String slot = slotName(replica.name());
    try (Connection c = source.connect("postgres");
        PreparedStatement ps = c.prepareStatement("SELECT pg_create_physical_replication_slot(?) "
            + "WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = ?)")) {
      ps.setString(1, slot);
      ps.setString(2, slot);
      ps.execute();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create replication slot " + slot + " on " + source.name(), e);
    }
    String conninfo = "host=" + source.host() + " port=" + source.port() + " user=postgres application_name="
        + replica.name();
    // -R writes primary_conninfo with passfile=..., so the password never lands in a config file.
    Map<String, String> env = passFile == null ? Map.of() : Map.of("PGPASSFILE", passFile.toString());
    Processes.runChecked(Prerequisites.asPostgresUser(List.of(prerequisites.pgTool("pg_basebackup").toString(),
            "-D", replica.dataDir().toString(), "-R", "-S", slot, "-X", "stream", "-c", "fast", "-w",
            "--no-sync", "-d", conninfo)),
        pgDir, env, Duration.ofMinutes(10));
  }

  /** Physical slot name for a node: lower case, [a-z0-9_] only. */
  static String slotName(String nodeName) {
    return nodeName.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
  }

  private List<String> nodeNames() {
    return nodes.stream().map(PostgresNode::name).toList();
  }

  /** Writes a 0600 file owned by the postgres OS user (replacing any), for passwords and configs with them. */
  static void writePrivate(Path file, String text) {
    try {
      Files.deleteIfExists(file);
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, text, StandardCharsets.UTF_8);
      Prerequisites.giveToPostgresUser(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private static void append(Path file, String text) {
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to " + file, e);
    }
  }

  private static void overwrite(Path file, String text) {
    try {
      // Truncating in place keeps the postgres owner and 0600 mode initdb gave the file.
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  @Override
  public String toString() {
    return "PostgresCluster" + nodeNames() + " in " + options.baseDir();
  }
}
