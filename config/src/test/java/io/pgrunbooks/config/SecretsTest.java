package io.pgrunbooks.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretsTest {
  @TempDir Path dir;

  private Path writeConfig(String credentials) throws Exception {
    Path file = dir.resolve("etc/runbooks.yml");
    Files.createDirectories(file.getParent());
    Files.writeString(
        file,
        ConfigErrorsTest.NODES.formatted("        dataDir: /d\n    credentials:\n" + credentials.indent(6)));
    return file;
  }

  @Test
  void passwordFileIsResolvedRelativeToTheConfigFileWithoutItsTrailingNewline() throws Exception {
    Path file = writeConfig("user: app\npasswordFile: secrets/pg.pass");
    Files.createDirectories(dir.resolve("etc/secrets"));
    Files.writeString(dir.resolve("etc/secrets/pg.pass"), "s3cr3t\n");

    Credentials credentials = ConfigLoader.load(file, Map.of()).cluster("main").credentials();

    assertThat(Path.of(credentials.passwordFile())).isEqualTo(dir.resolve("etc/secrets/pg.pass"));
    assertThat(credentials.resolvePassword(Map.of())).isEqualTo("s3cr3t");
    assertThat(credentials.toString()).doesNotContain("s3cr3t");
  }

  @Test
  void missingPasswordFileIsAClearErrorNamingTheFile() throws Exception {
    RunbooksConfig config = ConfigLoader.load(writeConfig("passwordFile: missing.pass"), Map.of());
    Credentials credentials = config.cluster("main").credentials();
    String expectedPath = dir.resolve("etc/missing.pass").toString();

    assertThatThrownBy(() -> credentials.resolvePassword(Map.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("password of postgres: cannot read " + expectedPath + " (no such file)");
    assertThat(ConfigLoader.secretProblems(config, Map.of()))
        .containsExactly("clusters.main.credentials: password of postgres: cannot read " + expectedPath + " (no such file)");
  }

  @Test
  void passwordComesFromTheNamedEnvironmentVariable() throws Exception {
    Credentials credentials =
        ConfigLoader.load(writeConfig("passwordEnv: PG_PASSWORD"), Map.of()).cluster("main").credentials();

    assertThat(credentials.resolvePassword(Map.of("PG_PASSWORD", "pw"))).isEqualTo("pw");
    assertThatThrownBy(() -> credentials.resolvePassword(Map.of()))
        .hasMessage("password of postgres: environment variable PG_PASSWORD is not set");
  }

  @Test
  void noPasswordConfiguredMeansNone() throws Exception {
    Credentials credentials = ConfigLoader.load(writeConfig("user: app"), Map.of()).cluster("main").credentials();

    assertThat(credentials.resolvePassword(Map.of())).isNull();
  }

  @Test
  void passwordEnvAndPasswordFileTogetherAreRefused() throws Exception {
    assertThatThrownBy(() -> ConfigLoader.load(writeConfig("passwordEnv: A\npasswordFile: b"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .extracting(e -> ((ConfigException) e).errors())
        .asList()
        .containsExactly("clusters.main.credentials.passwordFile: set either passwordEnv or passwordFile, not both");
  }

  @Test
  void missingConfigFileIsAClearError() {
    Path missing = dir.resolve("nope.yml");
    assertThatThrownBy(() -> ConfigLoader.load(missing, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("invalid config " + missing + ":\n  " + missing + ": cannot read (no such file)");
  }

  @Test
  void configPathComesFromTheArgumentElseFromRunbooksConfig() throws Exception {
    Path file = writeConfig("user: app");

    assertThat(ConfigLoader.fromArgsOrEnv(file.toString(), Map.of()).cluster("main")).isNotNull();
    assertThat(ConfigLoader.fromArgsOrEnv(null, Map.of("RUNBOOKS_CONFIG", file.toString())).cluster("main")).isNotNull();
    assertThatThrownBy(() -> ConfigLoader.fromArgsOrEnv(null, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("pass --config <file> or set RUNBOOKS_CONFIG=<file>");
  }
}
