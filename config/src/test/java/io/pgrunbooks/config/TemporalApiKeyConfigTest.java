package io.pgrunbooks.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A Temporal Cloud API key for the worker, agents and API: by variable or file, never inline. */
class TemporalApiKeyConfigTest {
  @TempDir Path dir;

  private Path writeConfig(String temporal) throws Exception {
    Path file = dir.resolve("etc/runbooks.yml");
    Files.createDirectories(file.getParent());
    Files.writeString(file, "temporal:\n" + temporal.indent(2)
        + ConfigErrorsTest.NODES.formatted("        dataDir: /d\n"));
    return file;
  }

  @Test
  void apiKeyComesFromTheNamedVariableAndAMissingOneIsAStartupProblemNamingIt() throws Exception {
    RunbooksConfig cfg = ConfigLoader.load(writeConfig("target: ns.acct.tmprl.cloud:7233\napiKeyEnv: TEMPORAL_KEY"),
        Map.of());

    assertThat(cfg.temporal().usesApiKey()).isTrue();
    assertThat(cfg.temporal().resolveApiKey(Map.of("TEMPORAL_KEY", "key-1\n"))).isEqualTo("key-1");
    assertThat(ConfigLoader.secretProblems(cfg, Map.of()))
        .contains("temporal: temporal API key: environment variable TEMPORAL_KEY is not set");
    assertThat(ConfigLoader.secretProblems(cfg, Map.of("TEMPORAL_KEY", "k"))).noneMatch(p -> p.startsWith("temporal"));
  }

  @Test
  void apiKeyFileIsRelativeToTheConfigFile() throws Exception {
    Files.createDirectories(dir.resolve("etc/secrets"));
    Files.writeString(dir.resolve("etc/secrets/temporal.key"), "key-2\n");
    RunbooksConfig cfg = ConfigLoader.load(writeConfig("apiKeyFile: secrets/temporal.key"), Map.of());

    assertThat(cfg.temporal().resolveApiKey(Map.of())).isEqualTo("key-2");
    assertThat(cfg.temporal().toString()).doesNotContain("key-2");
  }

  @Test
  void inlineKeyAndBothSourcesAreRefusedWithTheirPaths() throws Exception {
    assertThatThrownBy(() -> ConfigLoader.load(writeConfig("apiKey: abc"), Map.of()))
        .hasMessageContaining("temporal.apiKey: inline secrets are not accepted; set apiKeyEnv");
    assertThatThrownBy(() -> ConfigLoader.load(writeConfig("apiKeyEnv: K\napiKeyFile: k.key"), Map.of()))
        .hasMessageContaining("temporal.apiKeyFile: apiKeyEnv and apiKeyFile are alternatives");
  }

  @Test
  void withoutAKeyNothingChanges() throws Exception {
    RunbooksConfig cfg = ConfigLoader.load(writeConfig("target: 127.0.0.1:7233"), Map.of());
    assertThat(cfg.temporal().usesApiKey()).isFalse();
    assertThat(cfg.temporal().resolveApiKey(Map.of())).isNull();
  }
}
