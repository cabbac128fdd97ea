package io.pgrunbooks.activities.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrunbooks.activities.TestStack;
import io.pgrunbooks.activities.patroni.PatroniBackend;
import io.pgrunbooks.config.ConfigLoader;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.ops.stack.PostgresNode;
import io.pgrunbooks.ops.stack.Prerequisites;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * PhysicalBackup's and RestoreDrill's primary on a {@code topology: patroni} cluster comes from Patroni's roles, not
 * from "the first writable node": the shared stack's writable primary, described as a Patroni member whose Patroni
 * does not answer (nothing listens on its REST port), is no backup target.
 */
class BackupPrimaryOnPatroniTest {
  private final PostgresNode writable = TestStack.stack().postgres().currentPrimary();
  private final RunbooksConfig config = ConfigLoader.parse("""
      clusters:
        main:
          topology: patroni
          nodes:
            - {name: pg1, host: %s, port: %d, dataDir: "%s"}
          credentials: {user: postgres, passwordEnv: %s}
          patroni:
            restApi: {pg1: "http://127.0.0.1:%d"}
          pgbackrest: {stanza: main, configFile: /etc/pgbackrest/pgbackrest.conf}
      """.formatted(writable.host(), writable.port(), writable.dataDir(), TestStack.PASSWORD_ENV,
      Prerequisites.freePort()), TestStack.env(), "patroni-backup");
  private final ConnectionFactory connections = new ConnectionFactory(config, TestStack::env, Duration.ofSeconds(5),
      Duration.ofSeconds(30));
  private final List<TopologyBackend> backends = List.of(new DirectBackend(connections),
      new PatroniBackend(connections, TestStack::env));

  @Test
  void aWritableNodeThatPatroniDoesNotVouchForIsNeitherBackedUpNorDrilledRetryably() {
    assertThatThrownBy(() -> new PhysicalBackupActivitiesImpl(config, connections, backends).physicalBackupTarget("main"))
        .isInstanceOfSatisfying(ApplicationFailure.class, e -> {
          assertThat(e.isNonRetryable()).as("a switchover may be under way").isFalse();
          assertThat(e.getOriginalMessage()).contains("no Patroni REST API of cluster main answered GET /cluster");
        });
    assertThatThrownBy(() -> new RestoreDrillActivitiesImpl(config, connections, backends)
        .restoreDrillTarget("main", "postgres"))
        .hasMessageContaining("no Patroni REST API of cluster main answered GET /cluster");

    // Without the backends (a worker wired before them) the first writable node would have been taken.
    assertThat(new PhysicalBackupActivitiesImpl(config, connections).physicalBackupTarget("main").node())
        .isEqualTo("pg1");
  }
}
