package io.pgrunbooks.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.ops.dev.ChildProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker process refuses a bad config at start-up: message with the path, exit code 2. */
class WorkerMainTest {
  private static final String ONE_NODE = "      - {name: pg1, host: 127.0.0.1, port: 5432, dataDir: /tmp/x}\n";

  @TempDir
  Path dir;

  @Test
  void invalidConfigExitsWithCodeTwoNamingThePath() throws Exception {
    String log = refusedLog(config("{user: postgres}",
        ONE_NODE + "      - {name: pg2, host: 127.0.0.1, port: 70000, dataDir: /tmp/y}\n"), "worker");

    assertThat(log).contains("clusters.main.nodes[1].port: must be 1-65535");
  }

  @Test
  void inlinePasswordIsRefusedWithHowToPassIt() throws Exception {
    String log = refusedLog(config("{user: postgres, password: hunter2}", ONE_NODE), "worker");

    assertThat(log).contains("clusters.main.credentials.password").contains("passwordEnv").doesNotContain("hunter2");
  }

  @Test
  void workerWithoutItsDatabasePasswordDoesNotStart() throws Exception {
    String log = refusedLog(config("{user: postgres, passwordEnv: RUNBOOKS_TEST_UNSET_PASSWORD}", ONE_NODE),
        "worker");

    assertThat(log).contains("clusters.main.credentials").contains("RUNBOOKS_TEST_UNSET_PASSWORD");
  }

  @Test
  void agentForAnUnknownNodeIsRefused() throws Exception {
    String log = refusedLog(config("{user: postgres}", ONE_NODE), "agent", "--node", "pg9");

    assertThat(log).contains("--node pg9").contains("pg1");
  }

  private Path config(String credentials, String nodes) throws Exception {
    Path file = dir.resolve("config-" + System.nanoTime() + ".yml");
    Files.writeString(file, "clusters:\n  main:\n    credentials: " + credentials + "\n    nodes:\n" + nodes);
    return file;
  }

  /** Runs the worker jar's main as a process, expects exit code 2, returns what it printed. */
  private String refusedLog(Path config, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(args));
    command.addAll(List.of("--config", config.toString()));
    ChildProcess process = ChildProcess.startJava("worker", System.getProperty("java.class.path"),
        WorkerMain.class.getName(), command, Map.of(), dir.resolve("worker-" + System.nanoTime() + ".log"));
    assertThat(process.waitFor(Duration.ofSeconds(60))).isEqualTo(WorkerMain.EXIT_BAD_CONFIG);
    return process.logText();
  }
}
