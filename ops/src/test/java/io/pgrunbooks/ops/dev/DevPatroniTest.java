package io.pgrunbooks.ops.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrunbooks.config.ClusterConfig;
import io.pgrunbooks.config.ConfigLoader;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.ops.stack.PostgresClusterOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevPatroniTest {
  private static final Path DEV_YML = Path.of("config/dev.yml");

  @TempDir
  Path devDir;

  private RunbooksConfig load(Path file) {
    return ConfigLoader.load(file, Map.of("RUNBOOKS_DEV_DIR", devDir.toString(), "RUNBOOKS_PG_PASSWORD", "x"));
  }

  @Test
  void theDevConfigBecomesAPatroniClusterWithLocalRestApisKeepingItsArchiving() throws Exception {
    ClusterConfig direct = load(DEV_YML).cluster("main");

    Path derived = DevPatroni.config(DEV_YML, "main", direct, devDir);

    assertThat(derived).isEqualTo(devDir.resolve("config-patroni.yml"));
    assertThat(Files.readString(derived)).startsWith("# Written by `runbooks dev --topology patroni` from");
    RunbooksConfig cfg = load(derived);
    ClusterConfig c = cfg.cluster("main");
    assertThat(c.onPatroni()).isTrue();
    assertThat(c.patroni().restApi()).containsEntry("pg1", "http://127.0.0.1:18008")
        .containsEntry("pg2", "http://127.0.0.1:18009");
    assertThat(c.patroni().credentials().user()).isEqualTo("patroni");
    assertThat(c.patroni().credentials().passwordFile()).isEqualTo(devDir.resolve("patroni/rest-password").toString());
    // Archiving stays: Patroni runs each node's archive_command (ops/docs/patroni.md).
    assertThat(c.pgbackrest()).isEqualTo(direct.pgbackrest());
    // Everything else is the dev config's: nodes, PgBouncer, schedules, API.
    assertThat(c.nodes()).isEqualTo(direct.nodes());
    assertThat(c.pgbouncer()).isEqualTo(direct.pgbouncer());
    assertThat(cfg.schedules()).isEqualTo(load(DEV_YML).schedules());
    assertThat(DevPatroni.ports(c)).isEqualTo(new PostgresClusterOptions.Patroni(List.of(18008, 18009), 12379));
    assertThat(DevPatroni.listenPorts(DevPatroni.ports(c))).containsExactly(18008, 18009, 12379);
  }

  @Test
  void aConfigWhoseClusterIsOnPatroniAlreadyIsUsedAsItIs() {
    Path derived = DevPatroni.config(DEV_YML, "main", load(DEV_YML).cluster("main"), devDir);
    ClusterConfig patroni = load(derived).cluster("main");

    assertThat(DevPatroni.config(derived, "main", patroni, devDir)).isEqualTo(derived);
  }

  @Test
  void aRestApiOnAnotherHostCannotBeRunByTheLocalStack() throws Exception {
    Path derived = DevPatroni.config(DEV_YML, "main", load(DEV_YML).cluster("main"), devDir);
    Path remote = devDir.resolve("remote.yml");
    Files.writeString(remote, Files.readString(derived).replace("http://127.0.0.1:18009", "http://db2:8008"));

    assertThatThrownBy(() -> DevPatroni.ports(load(remote).cluster("main")))
        .hasMessage("runbooks dev runs Patroni on this machine: clusters.<name>.patroni.restApi.pg2 must be"
            + " http://127.0.0.1:<port> (it is http://db2:8008)");
  }
}
