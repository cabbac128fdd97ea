package io.pgrunbooks.ops.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The Patroni mode of a {@link PostgresCluster}: one etcd and one Patroni per node, all as the postgres OS user
 * (through {@code setpriv}, which keeps the real PID, when the JVM is root). Patroni bootstraps the first node
 * (initdb) and clones the others; the stack never runs pg_ctl on these nodes. Files live in
 * {@code <baseDir>/patroni}: each node's YAML, log and pid file, etcd's data, the REST API password.
 * Stopping stops every Patroni (which stops its PostgreSQL, unless the cluster is paused), then etcd.
 */
public final class PatroniServers {
  /** Patroni's {@code scope} (cluster name in etcd) of the local stack. */
  public static final String SCOPE = "runbooks";
  /** Basic-auth user of the REST API ({@code restapi.authentication}). */
  public static final String REST_USER = "patroni";
  /** Patroni's {@code loop_wait}: short, so that the stack and the runbooks' polls converge within seconds. */
  static final int LOOP_WAIT_SECONDS = 2;
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final String password;
  private final int etcdPort;
  private final int etcdPeerPort;
  private final Map<String, Integer> restPorts;
  private final Map<String, Process> patronis = new LinkedHashMap<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private Process etcd;
  private Path socketDir;
  private Path binDir;

  /**
   * @param restPorts REST API port per node name (0 = a free port)
   * @param etcdPort etcd's client port (0 = a free port); its peer port is the next one (a free one with 0)
   * @param password of the database superuser and replicator, and of the REST API; null = trust, no auth
   */
  PatroniServers(Path baseDir, Map<String, Integer> restPorts, int etcdPort, String password) {
    this.dir = baseDir.toAbsolutePath().resolve("patroni");
    this.password = password;
    this.etcdPort = etcdPort != 0 ? etcdPort : Prerequisites.freePort();
    // Fixed with a fixed client port: a restarted etcd finds the peer URL its data dir recorded.
    this.etcdPeerPort = etcdPort != 0 ? etcdPort + 1 : Prerequisites.freePort();
    this.restPorts = new LinkedHashMap<>();
    restPorts.forEach((node, port) -> this.restPorts.put(node, port != 0 ? port : Prerequisites.freePort()));
  }

  /** The REST API base URL of a node, {@code http://127.0.0.1:<port>}. */
  public String restUrl(String node) {
    Integer port = restPorts.get(node);
    if (port == null) {
      throw new IllegalArgumentException("no Patroni for node " + node + " (nodes: " + restPorts.keySet() + ")");
    }
    return "http://127.0.0.1:" + port;
  }

  public Map<String, String> restUrls() {
    Map<String, String> out = new LinkedHashMap<>();
    restPorts.keySet().forEach(n -> out.put(n, restUrl(n)));
    return out;
  }

  /** The file holding the REST API password (mode 0600), or null when the REST API has no authentication. */
  public Path passwordFile() {
    return password == null ? null : dir.resolve("rest-password");
  }

  public String etcdUrl() {
    return "http://127.0.0.1:" + etcdPort;
  }

  /** A node's Patroni log. */
  public Path logFile(String node) {
    return dir.resolve(node + ".log");
  }

  /** The PID of a node's Patroni, while it runs. */
  public long pid(String node) {
    Process p = patronis.get(node);
    if (p == null || !p.isAlive()) {
      throw new IllegalStateException("Patroni of " + node + " is not running");
    }
    return p.pid();
  }

  /** Starts etcd and a Patroni per node; the first node's Patroni first, so that it is the one that runs initdb. */
  void start(Prerequisites prerequisites, List<PostgresNode> nodes, Path socketDir) {
    Path patroni = prerequisites.patroni();
    Path etcdBin = prerequisites.etcd();
    this.socketDir = socketDir;
    this.binDir = prerequisites.pgBinDir();
    prepare();
    startEtcd(etcdBin);
    boolean fresh = !Files.exists(nodes.get(0).dataDir().resolve("PG_VERSION"));
    for (PostgresNode node : nodes) {
      writeConfig(node, socketDir, prerequisites.pgBinDir());
      Process p = startAsPostgres(List.of(patroni.toString(), configFile(node.name()).toString()), logFile(node.name()));
      patronis.put(node.name(), p);
      writePid(node.name(), p.pid());
      if (fresh && node == nodes.get(0)) {
        awaitRole(node.name(), true);
      }
    }
    awaitRole(leaderName(nodes), true);
    for (PostgresNode node : nodes) {
      awaitRunning(node.name());
    }
  }

  /** Stops every Patroni (SIGTERM: it stops its PostgreSQL first), then etcd. Idempotent. */
  void stop() {
    // Replicas first: a leader stopping first would hand its lock to a replica that is about to stop too. The
    // leader now, not the first node: after a switchover it may be any.
    List<String> order = new ArrayList<>(patronis.keySet());
    order.sort(java.util.Comparator.comparing(this::leadsNow));
    List<Process> all = order.stream().map(patronis::get).toList();
    for (Process p : all) {
      Processes.terminateSupervisor(p.toHandle(), Duration.ofSeconds(30));
    }
    patronis.clear();
    if (etcd != null) {
      Processes.killTree(etcd.toHandle(), Duration.ofSeconds(10));
      etcd = null;
    }
  }

  /** Whether the node's Patroni answers that it is the leader; false when it does not answer. */
  private boolean leadsNow(String node) {
    try {
      return List.of("master", "primary").contains(get(node, "/patroni").path("role").asText());
    } catch (RuntimeException noAnswer) {
      return false;
    }
  }

  /** {@code GET <node's REST API><path>} as JSON. */
  public JsonNode get(String node, String path) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(restUrl(node) + path))
          .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
      return JSON.readTree(r.body());
    } catch (IOException e) {
      throw new UncheckedIOException("GET " + restUrl(node) + path + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private String leaderName(List<PostgresNode> nodes) {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      for (PostgresNode n : nodes) {
        try {
          for (JsonNode m : get(n.name(), "/cluster").path("members")) {
            if ("leader".equals(m.path("role").asText()) && "running".equals(m.path("state").asText())) {
              return m.path("name").asText();
            }
          }
          last = "GET /cluster of " + n.name() + " lists no running leader";
        } catch (RuntimeException e) {
          last = e.getMessage();
        }
      }
      Processes.sleep(Duration.ofMillis(500));
    }
    throw new IllegalStateException("the Patroni cluster has no leader after " + READY_TIMEOUT.toSeconds() + " s ("
        + last + ")\n--- tail of " + logFile(nodes.get(0).name()) + " ---\n" + Processes.tail(logFile(nodes.get(0).name()), 30));
  }

  private void awaitRole(String node, boolean leader) {
    awaitStatus(node, "a running " + (leader ? "leader" : "replica"), s -> "running".equals(s.path("state").asText())
        && List.of("master", "primary").contains(s.path("role").asText()) == leader);
  }

  private void awaitRunning(String node) {
    awaitStatus(node, "running PostgreSQL", s -> "running".equals(s.path("state").asText()));
  }

  /** Polls the node's {@code GET /patroni} until {@code ok}; fails with the last answer and the log's tail. */
  private void awaitStatus(String node, String what, java.util.function.Predicate<JsonNode> ok) {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      requireAlive(node);
      try {
        JsonNode s = get(node, "/patroni");
        if (ok.test(s)) {
          return;
        }
        last = "state " + s.path("state").asText() + ", role " + s.path("role").asText();
      } catch (RuntimeException e) {
        last = e.getMessage();
      }
      Processes.sleep(Duration.ofMillis(500));
    }
    throw new IllegalStateException("Patroni of " + node + " is not " + what + " after " + READY_TIMEOUT.toSeconds()
        + " s (" + last + ")\n--- tail of " + logFile(node) + " ---\n" + Processes.tail(logFile(node), 30));
  }

  private void requireAlive(String node) {
    Process p = patronis.get(node);
    if (p != null && !p.isAlive()) {
      throw new IllegalStateException("Patroni of " + node + " exited (" + p.exitValue() + ")\n--- tail of "
          + logFile(node) + " ---\n" + Processes.tail(logFile(node), 40));
    }
  }

  private void prepare() {
    try {
      Files.createDirectories(dir);
      Prerequisites.giveToPostgresUser(dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      if (password != null) {
        PostgresCluster.writePrivate(passwordFile(), password + "\n");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare " + dir, e);
    }
  }

  private void startEtcd(Path etcdBin) {
    String peer = "http://127.0.0.1:" + etcdPeerPort;
    // Single member; --initial-cluster is ignored once the data dir exists, so a restart keeps its data.
    etcd = startAsPostgres(List.of(etcdBin.toString(), "--name", "etcd1", "--data-dir", dir.resolve("etcd").toString(),
        "--listen-client-urls", etcdUrl(), "--advertise-client-urls", etcdUrl(), "--listen-peer-urls", peer,
        "--initial-advertise-peer-urls", peer, "--initial-cluster", "etcd1=" + peer), dir.resolve("etcd.log"));
    writePid("etcd", etcd.pid());
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!Processes.accepts(etcdPort)) {
      if (!etcd.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException("etcd did not listen on " + etcdUrl() + "\n--- tail of etcd.log ---\n"
            + Processes.tail(dir.resolve("etcd.log"), 30));
      }
      Processes.sleep(Duration.ofMillis(100));
    }
  }

  private Process startAsPostgres(List<String> command, Path log) {
    return Processes.startDaemon(Prerequisites.asPostgresUserKeepingPid(command), dir, log);
  }

  private Path configFile(String node) {
    return dir.resolve(node + ".yml");
  }

  private void writePid(String name, long pid) {
    try {
      Files.writeString(dir.resolve(name + ".pid"), pid + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the pid file of " + name, e);
    }
  }

  private void writeConfig(PostgresNode node, Path socketDir, Path binDir) {
    String auth = password == null ? "trust" : "scram-sha-256";
    String pw = password == null ? "" : ", password: " + quoted(password);
    String restAuth = password == null ? "" : "\n  authentication: {username: " + REST_USER + pw + "}";
    String yaml = """
        # Written by the pg-runbooks local stack on every start; edits are overwritten.
        scope: %1$s
        name: %2$s
        log: {level: INFO}
        restapi:
          listen: 127.0.0.1:%3$d
          connect_address: 127.0.0.1:%3$d%4$s
        etcd3:
          hosts: 127.0.0.1:%5$d
        bootstrap:
          dcs:
            ttl: 30
            loop_wait: %6$d
            retry_timeout: 10
            postgresql:
              use_pg_rewind: true
              use_slots: true
              parameters:
                wal_level: replica
                hot_standby: "on"
                max_wal_senders: 10
                max_replication_slots: 10
                wal_keep_size: 256MB
                wal_log_hints: "on"
          initdb: [{encoding: UTF8}, {locale: C}, data-checksums]
        postgresql:
          listen: 127.0.0.1:%7$d
          connect_address: 127.0.0.1:%7$d
          data_dir: %8$s
          bin_dir: %9$s
          pgpass: %10$s
          authentication:
            superuser: {username: postgres%11$s}
            replication: {username: replicator%11$s}
          pg_hba:
            - local all all trust
            - local replication all trust
            - host all all 127.0.0.1/32 %12$s
            - host replication all 127.0.0.1/32 %12$s
          parameters:
            unix_socket_directories: %13$s
            shared_preload_libraries: pg_stat_statements
            wal_retrieve_retry_interval: 1s
        %14$s""".formatted(SCOPE, node.name(), restPorts.get(node.name()), restAuth, etcdPort, LOOP_WAIT_SECONDS,
        node.port(), quoted(node.dataDir().toString()), quoted(binDir.toString()),
        quoted(dir.resolve(node.name() + ".pgpass").toString()), pw, auth, quoted(socketDir.toString()), archiveParameters(node));
    PostgresCluster.writePrivate(configFile(node.name()), yaml);
  }

  /**
   * The node's WAL archiving settings ({@link PgBackRestStack#writeArchiveSettings}) as more lines of
   * {@code postgresql.parameters}: local to each node, since each archive_command names its own data dir.
   */
  private static String archiveParameters(PostgresNode node) {
    StringBuilder lines = new StringBuilder();
    PgBackRestStack.readArchiveSettings(node.archiveConfFile()).forEach((name, value) ->
        lines.append("    ").append(name).append(": ").append(quoted(value)).append('\n'));
    return lines.toString();
  }

  /**
   * Rewrites every node's YAML (picking up settings written since the start), has each Patroni reload it
   * ({@code POST /reload}) and restarts the PostgreSQL of {@code restart} through Patroni ({@code POST /restart}),
   * for settings that change only at server start, until {@code applied} holds for each (at most 3 restarts). The
   * leader keeps its lock: a restart is no switchover.
   */
  void reconfigure(List<PostgresNode> nodes, List<PostgresNode> restart, Predicate<PostgresNode> applied) {
    for (PostgresNode node : nodes) {
      writeConfig(node, socketDir, binDir);
      post(node.name(), "/reload", "{}");
    }
    for (PostgresNode node : restart) {
      // POST /reload only schedules the reload for Patroni's next loop: a restart before it keeps the old settings.
      for (int attempt = 1; !applied.test(node); attempt++) {
        if (attempt > 3) {
          throw new IllegalStateException(node.name() + ": the new settings are not live after 3 restarts by Patroni");
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!get(node.name(), "/patroni").path("pending_restart").asBoolean(false) && System.nanoTime() < deadline) {
          Processes.sleep(Duration.ofMillis(200));
        }
        post(node.name(), "/restart", "{}");
        awaitRunning(node.name());
      }
    }
  }

  /** {@code POST <node's REST API><path>} with the REST API's Basic auth; a non-2xx answer throws with its body. */
  public String post(String node, String path, String body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(restUrl(node) + path))
        .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (password != null) {
      request.header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
          (REST_USER + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }
    try {
      HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() / 100 != 2) {
        throw new IllegalStateException("POST " + restUrl(node) + path + " answered " + r.statusCode() + ": "
            + r.body());
      }
      return r.body();
    } catch (IOException e) {
      throw new UncheckedIOException("POST " + restUrl(node) + path + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** A YAML double-quoted scalar. */
  private static String quoted(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

}
