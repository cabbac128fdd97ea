package io.pgrunbooks.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.ops.dev.ChildProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker process refuses a bad config at start-up: message with the path, non-zero exit. */
class WorkerMainTest {
  @TempDir
  Path dir;

  @Test
  void invalidConfigExitsWithCodeTwoNamingThePath() throws Exception {
    Path config = dir.resolve("bad.yml");
    Files.writeString(config, """
        clusters:
          main:
            credentials: {user: postgres}
            nodes:
              - {name: pg1, host: 127.0.0.1, port: 5432, dataDir: /tmp/x}
              - {name: pg2, host: 127.0.0.1, port: 70000, dataDir: /tmp/y}
        """);
    ChildProcess worker = run(List.of("worker", "--config", config.toString()));

    assertThat(worker.waitFor(Duration.ofSeconds(60))).isEqualTo(WorkerMain.EXIT_BAD_CONFIG);
    assertThat(worker.logText()).contains("clusters.main.nodes[1].port: must be 1-65535");
  }

  @Test
  void inlinePasswordIsRefusedWithHowToPassIt() throws Exception {
    Path config = dir.resolve("inline.yml");
    Files.writeString(config, """
        clusters:
          main:
            credentials: {user: postgres, password: hunter2}
            nodes:
              - {name: pg1, host: 127.0.0.1, port: 5432, dataDir: /tmp/x}
        """);
    ChildProcess worker = run(List.of("worker", "--config", config.toString()));

    assertThat(worker.waitFor(Duration.ofSeconds(60))).isEqualTo(WorkerMain.EXIT_BAD_CONFIG);
    assertThat(worker.logText()).contains("clusters.main.credentials.password").contains("passwordEnv");
  }

  @Test
  void workerWithoutItsDatabasePasswordDoesNotStart() throws Exception {
    Path config = dir.resolve("nopass.yml");
    Files.writeString(config, """
        clusters:
          main:
            credentials: {user: postgres, passwordEnv: RUNBOOKS_TEST_UNSET_PASSWORD}
            nodes:
              - {name: pg1, host: 127.0.0.1, port: 5432, dataDir: /tmp/x}
        """);
    ChildProcess worker = run(List.of("worker", "--config", config.toString()));

    assertThat(worker.waitFor(Duration.ofSeconds(60))).isEqualTo(WorkerMain.EXIT_BAD_CONFIG);
    assertThat(worker.logText()).contains("clusters.main.credentials").contains("RUNBOOKS_TEST_UNSET_PASSWORD");
  }

  @Test
  void agentForAnUnknownNodeIsRefused() throws Exception {
    Path config = dir.resolve("ok.yml");
    Files.writeString(config, """
        clusters:
          main:
            credentials: {user: postgres}
            nodes:
              - {name: pg1, host: 127.0.0.1, port: 5432, dataDir: /tmp/x}
        """);
    ChildProcess agent = run(List.of("agent", "--node", "pg9", "--config", config.toString()));

    assertThat(agent.waitFor(Duration.ofSeconds(60))).isEqualTo(WorkerMain.EXIT_BAD_CONFIG);
    assertThat(agent.logText()).contains("--node pg9").contains("pg1");
  }

  private ChildProcess run(List<String> args) {
    return ChildProcess.startJava("worker", System.getProperty("java.class.path"), WorkerMain.class.getName(),
        args, Map.of(), dir.resolve("worker-" + System.nanoTime() + ".log"));
  }
}
