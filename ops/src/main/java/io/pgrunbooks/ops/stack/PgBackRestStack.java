package io.pgrunbooks.ops.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Point-in-time recovery for the local stack: WAL archiving on every node ({@code archive_mode=on},
 * {@code archive_command} = {@code pgbackrest archive-push}) and a pgBackRest stanza whose repository
 * lives in the stack's S3 store, reached over HTTPS with the stack's CA ({@link StackTls}).
 *
 * <p>Each node gets its own {@code <node>.archive.conf} beside its data dir (included by the node's
 * settings file), so every node archives from its own data dir after a failover, and pg_basebackup
 * never copies another node's settings in. Written before the nodes start
 * ({@link #writeArchiveSettings}), no restart is needed; {@link #configure} restarts a node only when
 * its running server still has archiving off, after stanza-create (so no push fails for want of a stanza).
 */
public final class PgBackRestStack {
  public static final String INSTALL = "apt-get install -y pgbackrest";
  public static final Path BINARY = Path.of("/usr/bin/pgbackrest");

  private final Path configFile;
  private final String stanza;

  private PgBackRestStack(Path configFile, String stanza) {
    this.configFile = configFile;
    this.stanza = stanza;
  }

  /** The pgBackRest binary, or a loud failure naming the install command. */
  public static Path binary() {
    if (!Files.isExecutable(BINARY)) {
      throw new MissingPrerequisiteException("pgbackrest", INSTALL, "not found at " + BINARY);
    }
    return BINARY;
  }

  /** {@code <baseDir>/pgbackrest/pgbackrest.conf}: the file every pgBackRest command of the stack reads. */
  public static Path configFile(Path baseDir) {
    return baseDir.toAbsolutePath().resolve("pgbackrest").resolve("pgbackrest.conf");
  }

  /**
   * Writes the archiving settings of the named nodes (data dirs {@code <baseDir>/pg/<name>}) before
   * the cluster starts, so that starting it needs no restart. Archive pushes fail (and PostgreSQL
   * retries them) until {@link #configure} has written the pgBackRest config and created the stanza.
   */
  public static void writeArchiveSettings(Path baseDir, List<String> nodeNames, String stanza) {
    Path pgDir = baseDir.toAbsolutePath().resolve("pg");
    for (String name : nodeNames) {
      writeArchiveConf(pgDir.resolve(name + ".archive.conf"), pgDir.resolve(name), configFile(baseDir), stanza);
    }
  }

  /**
   * Configures archiving on every node of the running stack, writes the pgBackRest config (repository
   * {@code repoPath} in the stack's bucket over HTTPS), creates the stanza and runs {@code pgbackrest check}
   * (a WAL switch that must reach the repository). Safe to repeat: stanza-create accepts an existing
   * matching stanza.
   *
   * @param cipherPass repository encryption passphrase, or null for an unencrypted repository
   */
  public static PgBackRestStack configure(LocalStack stack, String stanza, String repoPath, String cipherPass) {
    return configure(stack.options().baseDir(), stack.postgres(), stack.s3(), stanza, repoPath, cipherPass);
  }

  /** {@link #configure(LocalStack, String, String, String)} for a cluster and store started on their own. */
  public static PgBackRestStack configure(Path baseDir, PostgresCluster cluster, S3Store s3, String stanza,
      String repoPath, String cipherPass) {
    binary();
    Path config = configFile(baseDir);
    if (s3.secureEndpoint() == null) {
      throw new IllegalStateException("the stack's S3 store serves no HTTPS endpoint; pgBackRest needs one");
    }
    Path dir = config.getParent();
    try {
      for (Path d : List.of(dir, dir.resolve("log"), dir.resolve("lock"))) {
        Files.createDirectories(d);
        Prerequisites.giveToPostgresUser(d);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
    PostgresNode primary = cluster.currentPrimary();
    StringBuilder conf = new StringBuilder()
        .append("# Written by the pg-runbooks local stack; holds the S3 keys, so 0600.\n")
        .append("[global]\n")
        .append("repo1-type=s3\n")
        .append("repo1-s3-endpoint=").append(s3.secureEndpoint().getHost()).append('\n')
        .append("repo1-storage-port=").append(s3.secureEndpoint().getPort()).append('\n')
        .append("repo1-storage-ca-file=").append(s3.caFile()).append('\n')
        .append("repo1-s3-uri-style=path\n")
        .append("repo1-s3-bucket=").append(s3.bucket()).append('\n')
        .append("repo1-s3-region=").append(s3.region()).append('\n')
        .append("repo1-s3-key=").append(s3.accessKey()).append('\n')
        .append("repo1-s3-key-secret=").append(s3.secretKey()).append('\n')
        .append("repo1-path=").append(repoPath).append('\n')
        .append("repo1-retention-full=2\n");
    if (cipherPass != null) {
      conf.append("repo1-cipher-type=aes-256-cbc\n").append("repo1-cipher-pass=").append(cipherPass).append('\n');
    }
    conf.append("compress-type=zst\n")
        .append("start-fast=y\n")
        .append("archive-timeout=60\n")
        .append("log-path=").append(dir.resolve("log")).append('\n')
        .append("lock-path=").append(dir.resolve("lock")).append('\n')
        .append("log-level-console=warn\n")
        .append("log-level-file=info\n")
        .append('\n')
        .append('[').append(stanza).append("]\n")
        // The node that is primary now; the runbooks pass --pg1-path/--pg1-port of the node they run on.
        .append("pg1-path=").append(primary.dataDir()).append('\n')
        .append("pg1-port=").append(primary.port()).append('\n')
        .append("pg1-socket-path=").append(primary.socketDir()).append('\n')
        .append("pg1-user=").append(LocalStack.PG_USER).append('\n');
    writePrivate(config, conf.toString());

    List<PostgresNode> restart = new ArrayList<>();
    for (PostgresNode node : cluster.nodes()) {
      writeArchiveConf(node.archiveConfFile(), node.dataDir(), config, stanza);
      if (node.isRunning() && !archivingOn(node)) {
        restart.add(node);
      }
    }
    PgBackRestStack pgbackrest = new PgBackRestStack(config, stanza);
    // The stanza first: pushes that fail before it exists put the archiver into a back-off that makes
    // the first check wait for a backlog (measured: ~35 s on a fresh runbooks dev).
    pgbackrest.run(Duration.ofMinutes(2), "stanza-create");
    // archive_mode only changes at server start; a replica needs it on before it may be promoted.
    if (cluster.patroni() != null) {
      // Patroni owns the settings and the restart: its YAML rewritten, then POST /restart; never pg_ctl.
      cluster.patroni().reconfigure(cluster.nodes(), restart, PgBackRestStack::archivingOn);
    } else {
      Parallel.run("pg-archive-restart", restart.stream().<Runnable>map(n -> () -> {
        n.stop();
        n.start();
      }).toList());
    }
    pgbackrest.run(Duration.ofMinutes(2), "check");
    return pgbackrest;
  }

  public Path configFile() {
    return configFile;
  }

  public String stanza() {
    return stanza;
  }

  /**
   * Runs {@code pgbackrest --config=<file> --stanza=<stanza> <args>} as the postgres OS user and returns
   * its stdout; a non-zero exit throws with its output.
   */
  public String run(Duration timeout, String... args) {
    List<String> cmd = new ArrayList<>(List.of(binary().toString(), "--config=" + configFile, "--stanza=" + stanza));
    cmd.addAll(List.of(args));
    Processes.Result r = Processes.run(Prerequisites.asPostgresUser(cmd), configFile.getParent(), Map.of(), timeout);
    if (!r.ok()) {
      throw new IllegalStateException("pgbackrest " + String.join(" ", args) + " failed (exit " + r.exitCode()
          + "): " + r.output().trim());
    }
    return r.stdout();
  }

  /** {@code pgbackrest info --output=json} of the stanza. */
  public String infoJson() {
    return run(Duration.ofMinutes(1), "--output=json", "info");
  }

  private static boolean archivingOn(PostgresNode node) {
    try (Connection c = node.connect("postgres"); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT current_setting('archive_mode')")) {
      rs.next();
      return !"off".equals(rs.getString(1));
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read archive_mode of " + node.name(), e);
    }
  }

  /**
   * The archiving settings of a node whose data dir is {@code dataDir}: {@code archive_mode} and an
   * {@code archive_command} that pushes to {@code stanza} through {@code config}.
   */
  static Map<String, String> archiveSettings(Path dataDir, Path config, String stanza) {
    // PostgreSQL hands %p relative to the data dir: pgBackRest needs that node's pg1-path to resolve it.
    String command = BINARY + " --config=" + config + " --stanza=" + stanza + " --pg1-path=" + dataDir
        + " archive-push %p";
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("archive_mode", "on");
    settings.put("archive_command", command);
    return settings;
  }

  /**
   * The settings a node's {@code <node>.archive.conf} holds (as {@link #writeArchiveSettings} wrote them), or none
   * when it has no such file. The Patroni mode hands them to Patroni as {@code postgresql.parameters}.
   */
  public static Map<String, String> readArchiveSettings(Path file) {
    Map<String, String> settings = new LinkedHashMap<>();
    if (!Files.exists(file)) {
      return settings;
    }
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        int eq = line.indexOf('=');
        if (line.startsWith("#") || eq < 0) {
          continue;
        }
        String value = line.substring(eq + 1).strip();
        if (value.length() >= 2 && value.startsWith("'") && value.endsWith("'")) {
          value = value.substring(1, value.length() - 1).replace("''", "'");
        }
        settings.put(line.substring(0, eq).strip(), value);
      }
      return settings;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static void writeArchiveConf(Path file, Path dataDir, Path config, String stanza) {
    StringBuilder text = new StringBuilder(
        "# Written by the pg-runbooks local stack: WAL archiving to the pgBackRest repository.\n");
    archiveSettings(dataDir, config, stanza).forEach((name, value) -> text.append(name).append(" = ")
        .append(name.equals("archive_mode") ? value : "'" + value.replace("'", "''") + "'").append('\n'));
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text.toString(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private static void writePrivate(Path file, String text) {
    try {
      Files.deleteIfExists(file);
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, text, StandardCharsets.UTF_8);
      Prerequisites.giveToPostgresUser(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
