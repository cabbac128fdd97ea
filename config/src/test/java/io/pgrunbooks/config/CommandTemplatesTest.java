package io.pgrunbooks.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Configured commands stay templates: checked at load, substituted only where they run. */
class CommandTemplatesTest {
  private static final String YAML = """
      clusters:
        main:
          nodes:
            - {name: pg1, host: 127.0.0.1, dataDir: /d}
          credentials:
            user: ${PG_USER}
          rebuild:
            startCommand: systemctl start pg@{node} --token=${START_TOKEN}
          failover:
            fenceCommand: curl -H "Authorization:${FENCE_TOKEN}" https://ipmi/{node}/off
      """;

  @Test
  void commandsKeepTheirReferencesWhileOtherValuesAreSubstituted() {
    RunbooksConfig c = ConfigLoader.parse(YAML, Map.of("PG_USER", "runbooks", "START_TOKEN", "s1", "FENCE_TOKEN",
        "topsecret"), "t");

    assertThat(c.cluster("main").credentials().user()).isEqualTo("runbooks");
    assertThat(c.cluster("main").failover().fenceCommand())
        .isEqualTo("curl -H \"Authorization:${FENCE_TOKEN}\" https://ipmi/{node}/off");
    assertThat(c.cluster("main").rebuild().startCommand()).isEqualTo("systemctl start pg@{node} --token=${START_TOKEN}");
  }

  @Test
  void anUnsetVariableOfACommandStillStopsTheLoadNamingThePath() {
    assertThatThrownBy(() -> ConfigLoader.parse(YAML, Map.of("PG_USER", "runbooks", "START_TOKEN", "s1"), "t"))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors()).containsExactly(
            "clusters.main.failover.fenceCommand: environment variable FENCE_TOKEN is not set"));
  }

  @Test
  void expandSubstitutesAndRedactMasksTheValuesInOutput() {
    List<String> template = List.of("curl", "-H", "Authorization:${FENCE_TOKEN}", "https://ipmi/$${literal}");
    Map<String, String> env = Map.of("FENCE_TOKEN", "topsecret");

    assertThat(CommandTemplates.expand(template, env))
        .containsExactly("curl", "-H", "Authorization:topsecret", "https://ipmi/${literal}");
    assertThat(CommandTemplates.redact("401 for Authorization:topsecret\nretry topsecret", template, env))
        .isEqualTo("401 for Authorization:***\nretry ***");
    assertThatThrownBy(() -> CommandTemplates.expand(template, Map.of()))
        .hasMessage("configured command: environment variable FENCE_TOKEN is not set");
  }
}
