package io.pgrunbooks.ops.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;

/**
 * One PostgreSQL server of a {@link PostgresCluster}: its data dir, port and log, and the pg_ctl
 * operations the crash and fault tests need. Its role (primary or replica) is whatever the server
 * says ({@code pg_is_in_recovery()}), never assumed from its name.
 */
public final class PostgresNode {
  /** The node-specific settings file, included at the end of postgresql.conf and rewritten on each start. */
  static final String NODE_CONF = "runbooks.conf";
  private static final String HOST = "127.0.0.1";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final Prerequisites prerequisites;
  private final String name;
  private final int port;
  private final Path dataDir;
  private final Path socketDir;
  private final String password;
  private final Path passFile;

  PostgresNode(Prerequisites prerequisites, String name, int port, Path dataDir, Path socketDir,
      String password, Path passFile) {
    this.prerequisites = prerequisites;
    this.name = name;
    this.port = port;
    this.dataDir = dataDir;
    this.socketDir = socketDir;
    this.password = password;
    this.passFile = passFile;
  }

  public String name() {
    return name;
  }

  public String host() {
    return HOST;
  }

  public int port() {
    return port;
  }

  public Path dataDir() {
    return dataDir;
  }

  /**
   * This node's WAL archiving settings ({@link PgBackRestStack}), next to the data dir so that a
   * pg_basebackup of another node never copies them in; included when it exists.
   */
  public Path archiveConfFile() {
    return dataDir.resolveSibling(name + ".archive.conf");
  }

  /** The directory of the server's Unix socket. */
  public Path socketDir() {
    return socketDir;
  }

  /** The server log ({@code pg_ctl -l}), next to the data dir. */
  public Path logFile() {
    return dataDir.resolveSibling(name + ".log");
  }

  /** {@code jdbc:postgresql://127.0.0.1:<port>/<database>}; user {@code postgres}. */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://" + HOST + ":" + port + "/" + database;
  }

  /** Starts the server (no-op when it already runs) and waits until it accepts connections. */
  public synchronized void start() {
    if (isRunning()) {
      return;
    }
    awaitStalePostmasterReaped();
    writeNodeConf();
    Processes.Result r = Processes.run(Prerequisites.asPostgresUser(List.of(
            prerequisites.pgTool("pg_ctl").toString(), "-D", dataDir.toString(), "-l", logFile().toString(),
            "-w", "-t", String.valueOf(START_TIMEOUT.toSeconds()), "-s", "start")),
        dataDir.getParent(), Map.of(), START_TIMEOUT.plusSeconds(30));
    if (!r.ok()) {
      throw new IllegalStateException("PostgreSQL node " + name + " did not start on port " + port
          + ": " + r.output().trim() + "\n--- tail of " + logFile() + " ---\n" + Processes.tail(logFile(), 40));
    }
    awaitConnections(Duration.ofSeconds(15));
  }

  /**
   * Stops the server: fast shutdown, then immediate, then SIGKILL; returns once the postmaster and
   * its children are gone, not merely once the pid file is. No-op when it is not running.
   */
  public synchronized void stop() {
    Optional<ProcessHandle> postmaster = postmaster();
    if (postmaster.isEmpty()) {
      return;
    }
    List<ProcessHandle> tree = new ArrayList<>(postmaster.get().descendants().toList());
    tree.add(postmaster.get());
    for (String mode : List.of("fast", "immediate")) {
      Processes.run(Prerequisites.asPostgresUser(List.of(prerequisites.pgTool("pg_ctl").toString(),
              "-D", dataDir.toString(), "-m", mode, "-w", "-t", "30", "-s", "stop")),
          dataDir.getParent(), Map.of(), Duration.ofSeconds(45));
      if (Processes.awaitExit(tree, Duration.ofSeconds(10))) {
        return;
      }
    }
    Processes.killTreeForcibly(postmaster.get());
  }

  /** SIGKILL to the postmaster and all its children at once, as a host crash would. */
  public synchronized void kill() {
    postmaster().ifPresent(Processes::killTreeForcibly);
  }

  public boolean isRunning() {
    return postmaster().isPresent();
  }

  private Optional<ProcessHandle> postmaster() {
    OptionalLong pid = pid();
    // A stale postmaster.pid (after a crash) may name a pid since reused by another program.
    return pid.isEmpty() ? Optional.empty() : ProcessHandle.of(pid.getAsLong())
        .filter(Processes::isLive)
        .filter(h -> h.info().command().map(c -> c.endsWith("postgres")).orElse(true));
  }

  /** The postmaster's pid from {@code postmaster.pid}, if the file exists (it may be stale after a crash). */
  public OptionalLong pid() {
    Path pidFile = dataDir.resolve("postmaster.pid");
    try {
      List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
      return lines.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(lines.get(0).trim()));
    } catch (IOException | NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /** A JDBC connection as {@code postgres} (with the cluster's password, if any). */
  public Connection connect(String database) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", "postgres");
    if (password != null) {
      props.setProperty("password", password);
    }
    props.setProperty("connectTimeout", "10");
    return DriverManager.getConnection(jdbcUrl(database), props);
  }

  /**
   * Runs SQL through the real {@code psql} (unaligned, tuples only, stop on error) and returns its
   * stdout without the trailing newline; a failing statement throws with psql's error.
   */
  public String psql(String database, String sql) {
    List<String> cmd = new ArrayList<>(List.of(prerequisites.pgTool("psql").toString(), "-X", "-w", "-q",
        "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", HOST, "-p", String.valueOf(port), "-U", "postgres",
        "-d", database, "-c", sql));
    Map<String, String> env = passFile == null ? Map.of() : Map.of("PGPASSFILE", passFile.toString());
    Processes.Result r = Processes.run(cmd, null, env, Duration.ofMinutes(5));
    if (!r.ok()) {
      throw new IllegalStateException("psql on " + name + " failed (exit " + r.exitCode() + "): " + r.stderr().trim());
    }
    String out = r.stdout();
    return out.endsWith("\n") ? out.substring(0, out.length() - 1) : out;
  }

  /** True when the server runs and says it is in recovery (a standby). */
  boolean inRecovery() throws SQLException {
    try (Connection c = connect("postgres"); Statement s = c.createStatement();
        var rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
      rs.next();
      return rs.getBoolean(1);
    }
  }

  /** The port written by an earlier start of this data dir, so reused replicas keep their primary_conninfo valid. */
  static Optional<Integer> previousPort(Path dataDir) {
    try {
      for (String line : Files.readAllLines(dataDir.resolve(NODE_CONF), StandardCharsets.UTF_8)) {
        String l = line.trim();
        if (l.startsWith("port")) {
          return Optional.of(Integer.parseInt(l.replaceAll("[^0-9]", "")));
        }
      }
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  /**
   * A killed postmaster stays a zombie until PID 1 reaps it, and a new postmaster refuses the data
   * dir while the pid in postmaster.pid still exists, even as a zombie.
   */
  private void awaitStalePostmasterReaped() {
    OptionalLong pid = pid();
    if (pid.isPresent()) {
      ProcessHandle.of(pid.getAsLong()).ifPresent(zombie -> {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (zombie.isAlive() && System.nanoTime() < deadline) {
          Processes.sleep(Duration.ofMillis(20));
        }
      });
    }
  }

  private void writeNodeConf() {
    Path conf = dataDir.resolve(NODE_CONF);
    String text = "# Written by the pg-runbooks local stack on every start; edits are overwritten.\n"
        + "port = " + port + "\n"
        + "unix_socket_directories = '" + socketDir + "'\n"
        + "cluster_name = '" + name + "'\n"
        // QueryReport and CreateIndex read pg_stat_statements; in the node file so reused clusters get it too.
        + "shared_preload_libraries = 'pg_stat_statements'\n"
        + "include_if_exists = '" + archiveConfFile() + "'\n";
    try {
      Files.writeString(conf, text, StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("rw-------"));
      Prerequisites.giveToPostgresUser(conf);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + conf, e);
    }
  }

  private void awaitConnections(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    SQLException last;
    do {
      try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
        s.execute("SELECT 1");
        return;
      } catch (SQLException e) {
        last = e;
      }
      Processes.sleep(Duration.ofMillis(100));
    } while (System.nanoTime() < deadline);
    throw new IllegalStateException("PostgreSQL node " + name + " runs but refuses connections on port "
        + port + ": " + last.getMessage() + "\n--- tail of " + logFile() + " ---\n" + Processes.tail(logFile(), 40),
        last);
  }

  @Override
  public String toString() {
    return "PostgresNode[" + name + " " + HOST + ":" + port + " " + dataDir + "]";
  }
}
