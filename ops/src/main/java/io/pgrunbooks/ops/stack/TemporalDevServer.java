package io.pgrunbooks.ops.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgrunbooks.workflows.common.SearchAttributes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The real Temporal dev server ({@code temporal server start-dev}) as a child process, with the
 * contract's custom search attributes ({@link SearchAttributes#DEFINITIONS}) registered at launch
 * and verified before {@link #start} returns.
 */
public final class TemporalDevServer implements AutoCloseable {
  private static final String HOST = "127.0.0.1";
  private static final String NAMESPACE = "default";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final Path binary;
  private final int port;
  private final int uiPort;
  private final Path logFile;
  private final boolean tempLog;
  private final AtomicBoolean closed = new AtomicBoolean();
  private Process process;

  private TemporalDevServer(Path binary, int port, int uiPort, Path logFile, boolean tempLog) {
    this.binary = binary;
    this.port = port;
    this.uiPort = uiPort;
    this.logFile = logFile;
    this.tempLog = tempLog;
  }

  /** Starts the dev server and returns once it is SERVING with the contract's search attributes. */
  public static TemporalDevServer start(TemporalDevServerOptions options) {
    Path binary = new Prerequisites().temporal();
    int port = options.port() == 0 ? Prerequisites.freePort() : options.port();
    Path log = options.logFile();
    try {
      if (log == null) {
        log = Files.createTempFile("temporal-dev-", ".log");
      } else if (log.getParent() != null) {
        Files.createDirectories(log.getParent());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the Temporal log file", e);
    }
    TemporalDevServer server = new TemporalDevServer(binary, port, options.uiPort(), log, options.logFile() == null);
    ShutdownRegistry.register(server);
    try {
      server.process = Processes.startDaemon(command(binary, port, options), null, log);
      server.awaitReady();
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

  /** {@code 127.0.0.1:<port>}, the frontend address clients and workers connect to. */
  public String address() {
    return HOST + ":" + port;
  }

  public int port() {
    return port;
  }

  /** {@code http://127.0.0.1:<uiPort>}, or null when headless. */
  public String uiUrl() {
    return uiPort == 0 ? null : "http://" + HOST + ":" + uiPort;
  }

  public String namespace() {
    return NAMESPACE;
  }

  public Path logFile() {
    return logFile;
  }

  public boolean isRunning() {
    return process != null && Processes.isLive(process.toHandle());
  }

  /** SIGTERM to the server's process tree, SIGKILL after a grace period. */
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
      if (tempLog) {
        Processes.deleteQuietly(logFile);
      }
    }
  }

  static List<String> command(Path binary, int port, TemporalDevServerOptions options) {
    List<String> cmd = new ArrayList<>(List.of(binary.toString(), "server", "start-dev",
        "--ip", HOST, "--port", String.valueOf(port), "--namespace", NAMESPACE, "--log-level", "warn"));
    if (options.uiPort() == 0) {
      cmd.add("--headless");
    } else {
      cmd.addAll(List.of("--ui-port", String.valueOf(options.uiPort())));
    }
    if (options.dbFile() != null) {
      cmd.addAll(List.of("--db-filename", options.dbFile().toAbsolutePath().toString()));
    }
    new TreeMap<>(SearchAttributes.DEFINITIONS)
        .forEach((name, type) -> cmd.addAll(List.of("--search-attribute", name + "=" + type)));
    return cmd;
  }

  private void awaitReady() {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    String last = "";
    while (true) {
      if (!process.isAlive()) {
        throw failure("exited with " + process.exitValue() + " at start");
      }
      if (Processes.accepts(port)) {
        Processes.Result health = cli("operator", "cluster", "health");
        last = health.output().trim();
        if (health.ok() && health.stdout().contains("SERVING")) {
          break;
        }
      }
      if (System.nanoTime() > deadline) {
        throw failure("not SERVING after " + START_TIMEOUT + " (" + last + ")");
      }
      Processes.sleep(Duration.ofMillis(100));
    }
    verifySearchAttributes();
  }

  private void verifySearchAttributes() {
    Processes.Result list = cli("operator", "search-attribute", "list", "--namespace", NAMESPACE, "-o", "json");
    if (!list.ok()) {
      throw failure("cannot list search attributes: " + list.output());
    }
    JsonNode custom;
    try {
      custom = new ObjectMapper().readTree(list.stdout()).path("customAttributes");
    } catch (IOException e) {
      throw failure("unreadable search attribute list: " + list.stdout());
    }
    List<String> wrong = new ArrayList<>();
    for (Map.Entry<String, String> def : SearchAttributes.DEFINITIONS.entrySet()) {
      String expected = indexedValueType(def.getValue());
      String actual = custom.path(def.getKey()).asText("missing");
      if (!expected.equals(actual)) {
        wrong.add(def.getKey() + " is " + actual + ", expected " + expected);
      }
    }
    if (!wrong.isEmpty()) {
      throw failure("search attributes not registered: " + wrong);
    }
  }

  /** {@code KeywordList} to {@code INDEXED_VALUE_TYPE_KEYWORD_LIST}, as the CLI prints types. */
  static String indexedValueType(String type) {
    return "INDEXED_VALUE_TYPE_" + type.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
  }

  private Processes.Result cli(String... args) {
    List<String> cmd = new ArrayList<>(List.of(binary.toString()));
    cmd.addAll(List.of(args));
    cmd.addAll(List.of("--address", address()));
    return Processes.run(cmd, null, Map.of(), Duration.ofSeconds(20));
  }

  private IllegalStateException failure(String what) {
    return new IllegalStateException("Temporal dev server on " + address() + " " + what
        + "\n--- tail of " + logFile + " ---\n" + Processes.tail(logFile, 30));
  }

  @Override
  public String toString() {
    return "TemporalDevServer[" + address() + "]";
  }
}
