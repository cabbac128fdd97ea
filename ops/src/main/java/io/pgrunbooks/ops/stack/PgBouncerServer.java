package io.pgrunbooks.ops.stack;

import io.pgrunbooks.config.PgBouncerConsole;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A real PgBouncer in transaction pooling mode in front of one PostgreSQL server, run in the
 * foreground as a managed child process (as the {@code postgres} OS user when the JVM is root).
 * Its admin console is the {@code pgbouncer} database, administered by {@code postgres}.
 */
public final class PgBouncerServer implements AutoCloseable {
  private static final String HOST = "127.0.0.1";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  static {
    PgBouncerConsole.quietVersionWarning();
  }

  private final PgBouncerOptions options;
  private final int port;
  private final Path dir;
  private final AtomicBoolean closed = new AtomicBoolean();
  private Process process;

  private PgBouncerServer(PgBouncerOptions options, int port) {
    this.options = options;
    this.port = port;
    this.dir = options.baseDir().toAbsolutePath();
  }

  /** Writes the config, starts PgBouncer and returns once its admin console answers. */
  public static PgBouncerServer start(PgBouncerOptions options) {
    Path binary = new Prerequisites().pgbouncer();
    int port = options.port() == 0 ? Prerequisites.freePort() : options.port();
    PgBouncerServer server = new PgBouncerServer(options, port);
    ShutdownRegistry.register(server);
    try {
      server.stopOrphan();
      server.writeConfig();
      server.launch(binary);
      return server;
    } catch (RuntimeException e) {
      try {
        server.close();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  public String host() {
    return HOST;
  }

  public int port() {
    return port;
  }

  public Path iniFile() {
    return dir.resolve("pgbouncer.ini");
  }

  public Path logFile() {
    return dir.resolve("pgbouncer.log");
  }

  public boolean isRunning() {
    return process != null && Processes.isLive(process.toHandle());
  }

  /** The admin console URL (see {@link PgBouncerConsole#URL_PARAMETERS}). */
  public String adminJdbcUrl() {
    return jdbcUrl("pgbouncer") + "?" + PgBouncerConsole.URL_PARAMETERS;
  }

  /** A connection to the admin console ({@code SHOW POOLS}, {@code PAUSE}, {@code RESUME}, ...). */
  public Connection connectAdmin() throws SQLException {
    return DriverManager.getConnection(adminJdbcUrl(), credentials());
  }

  /**
   * A connection to {@code database} through the pooler. Server-side prepared statements are off
   * because PgBouncer 1.18 in transaction mode cannot keep them across transactions.
   */
  public Connection connect(String database) throws SQLException {
    return DriverManager.getConnection(jdbcUrl(database) + "?prepareThreshold=0", credentials());
  }

  /** Stops PgBouncer (SIGTERM, then SIGKILL) and deletes its base dir unless reuseExisting. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      if (process != null) {
        Processes.killTree(process.toHandle(), Duration.ofSeconds(5));
      }
    } finally {
      ShutdownRegistry.unregister(this);
      if (!options.reuseExisting()) {
        Processes.deleteTree(dir);
      }
    }
  }

  private String jdbcUrl(String database) {
    return "jdbc:postgresql://" + HOST + ":" + port + "/" + database;
  }

  private Properties credentials() {
    Properties p = new Properties();
    p.setProperty("user", "postgres");
    if (options.password() != null) {
      p.setProperty("password", options.password());
    }
    p.setProperty("connectTimeout", "10");
    return p;
  }

  /** A PgBouncer left running from this base dir by a killed JVM would hold the port and pid file. */
  private void stopOrphan() {
    Path pidFile = dir.resolve("pgbouncer.pid");
    try {
      if (Files.exists(pidFile)) {
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        ProcessHandle.of(pid)
            .filter(h -> h.info().command().orElse("").endsWith("pgbouncer"))
            .ifPresent(h -> Processes.killTree(h, Duration.ofSeconds(5)));
      }
    } catch (IOException | NumberFormatException e) {
      // No readable pid: nothing to stop; a real conflict shows up as a start failure.
    }
  }

  private void writeConfig() {
    try {
      Files.createDirectories(dir.resolve("run"));
      // The postgres OS user writes the pid file, log and socket here.
      Prerequisites.giveToPostgresUser(dir);
      Prerequisites.giveToPostgresUser(dir.resolve("run"));
      if (Prerequisites.runningAsRoot()) {
        Set<PosixFilePermission> perms = EnumSet.copyOf(Files.getPosixFilePermissions(dir.getParent()));
        perms.add(PosixFilePermission.OTHERS_EXECUTE);
        Files.setPosixFilePermissions(dir.getParent(), perms);
      }
      String authType = options.password() == null ? "trust" : "scram-sha-256";
      Path authFile = dir.resolve("userlist.txt");
      // PgBouncer needs the plain password to log in to the server with SCRAM on the client's behalf.
      writeOwned(authFile, "\"postgres\" \"" + (options.password() == null ? "" : options.password()
          .replace("\"", "\"\"")) + "\"\n");
      writeOwned(iniFile(), """
          ; Written by the pg-runbooks local stack.
          [databases]
          * = host=%s port=%d

          [pgbouncer]
          listen_addr = %s
          listen_port = %d
          unix_socket_dir = %s
          auth_type = %s
          auth_file = %s
          admin_users = postgres
          pool_mode = transaction
          ignore_startup_parameters = extra_float_digits
          pidfile = %s
          logfile = %s
          """.formatted(options.targetHost(), options.targetPort(), HOST, port, dir.resolve("run"),
          authType, authFile, dir.resolve("pgbouncer.pid"), logFile()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write PgBouncer config in " + dir, e);
    }
  }

  private void launch(Path binary) {
    Path console = dir.resolve("pgbouncer.console.log");
    process = Processes.startDaemon(Prerequisites.asPostgresUser(List.of(binary.toString(), iniFile().toString())),
        dir, console);
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    SQLException last = null;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("PgBouncer exited with " + process.exitValue() + " at start on port " + port
            + "\n--- " + console + " ---\n" + Processes.tail(console, 20)
            + "\n--- " + logFile() + " ---\n" + Processes.tail(logFile(), 20));
      }
      if (Processes.accepts(port)) {
        try (Connection c = connectAdmin(); Statement s = c.createStatement()) {
          s.execute("SHOW VERSION");
          return;
        } catch (SQLException e) {
          last = e;
        }
      }
      Processes.sleep(Duration.ofMillis(50));
    }
    throw new IllegalStateException("PgBouncer did not answer on port " + port + " within " + START_TIMEOUT
        + (last == null ? "" : ": " + last.getMessage()) + "\n--- " + logFile() + " ---\n" + Processes.tail(logFile(), 20));
  }

  private static void writeOwned(Path file, String text) throws IOException {
    Files.deleteIfExists(file);
    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, text, StandardCharsets.UTF_8);
    Prerequisites.giveToPostgresUser(file);
  }

  @Override
  public String toString() {
    return "PgBouncerServer[" + HOST + ":" + port + " -> " + options.targetHost() + ":" + options.targetPort() + "]";
  }
}
