package io.pgrunbooks.ops.dev;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.config.ClusterConfig;
import io.pgrunbooks.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevPgBackRestTest {
  @TempDir
  Path devDir;

  private ClusterConfig devCluster() {
    return ConfigLoader.load(Path.of("config/dev.yml"), Map.of("RUNBOOKS_DEV_DIR", devDir.toString())).cluster("main");
  }

  @Test
  void theDevConfigPointsAtTheFileRunbooksDevWrites() {
    assertThat(DevPgBackRest.problem(devCluster(), devDir)).isNull();
  }

  @Test
  void aConfigFileElsewhereIsRefusedWithTheExpectedPath() {
    String problem = DevPgBackRest.problem(devCluster(), devDir.resolve("other"));

    assertThat(problem).contains(devDir.resolve("other/pgbackrest/pgbackrest.conf").toString())
        .contains("${RUNBOOKS_DEV_DIR}/pgbackrest/pgbackrest.conf");
  }

  @Test
  void aFreshDirGetsNoArchiveSettingsBeforeTheStanzaExistsAndAnExistingOneGetsThemBeforeTheStart()
      throws Exception {
    DevPgBackRest.beforeStart(devCluster(), devDir);
    assertThat(devDir.resolve("pg/pg1.archive.conf")).doesNotExist();

    Files.createDirectories(devDir.resolve("pg/pg1"));
    Files.writeString(devDir.resolve("pg/pg1/PG_VERSION"), "15\n");
    DevPgBackRest.beforeStart(devCluster(), devDir);

    assertThat(Files.readString(devDir.resolve("pg/pg1.archive.conf"))).contains("archive_mode = on")
        .contains("--pg1-path=" + devDir.resolve("pg/pg1") + " archive-push %p");
    assertThat(Files.readString(devDir.resolve("pg/pg2.archive.conf")))
        .contains("--pg1-path=" + devDir.resolve("pg/pg2") + " archive-push %p");
  }

  @Test
  void thePatroniModeReadsBackEachNodesArchiveSettingsAsParametersQuotesAndAll() throws Exception {
    Path quirky = devDir.resolve("it's here");
    io.pgrunbooks.ops.stack.PgBackRestStack.writeArchiveSettings(quirky, java.util.List.of("pg1"), "main");

    Map<String, String> settings = io.pgrunbooks.ops.stack.PgBackRestStack.readArchiveSettings(
        quirky.resolve("pg/pg1.archive.conf"));

    assertThat(settings).containsOnlyKeys("archive_mode", "archive_command").containsEntry("archive_mode", "on");
    assertThat(settings.get("archive_command")).isEqualTo("/usr/bin/pgbackrest --config="
        + quirky.resolve("pgbackrest/pgbackrest.conf") + " --stanza=main --pg1-path=" + quirky.resolve("pg/pg1")
        + " archive-push %p");
    assertThat(io.pgrunbooks.ops.stack.PgBackRestStack.readArchiveSettings(quirky.resolve("pg/pg9.archive.conf")))
        .isEmpty();
  }
}
