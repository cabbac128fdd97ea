package io.pgrunbooks.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ApiMainTest {
  @Test
  void serveWithConfigBecomesDropwizardsServerCommand() {
    assertThat(ApiMain.dropwizardArgs(new String[] {"serve", "--config", "/etc/runbooks.yml"}, null))
        .containsExactly("server", "/etc/runbooks.yml");
    assertThat(ApiMain.dropwizardArgs(new String[] {"serve"}, "/env.yml")).containsExactly("server", "/env.yml");
    assertThat(ApiMain.dropwizardArgs(new String[] {"check", "x.yml"}, null)).containsExactly("check", "x.yml");
  }

  @Test
  void serveWithoutAConfigSaysWhatToGive() {
    assertThatThrownBy(() -> ApiMain.dropwizardArgs(new String[] {"serve"}, null))
        .hasMessageContaining("serve needs --config <file>");
    assertThatThrownBy(() -> ApiMain.dropwizardArgs(new String[] {"serve", "--port", "1"}, null))
        .hasMessageContaining("only --config");
  }
}
