package io.pgrunbooks.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.jetty.HttpConnectorFactory;
import io.pgrunbooks.config.ConfigLoader;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The api section becomes Dropwizard's connectors, on loopback unless it names an address. */
class ApiConfigurationTest {
  private static final String CLUSTER = """
      clusters:
        main:
          nodes:
            - name: pg1
              host: 127.0.0.1
              dataDir: /data/pg1
      """;

  private static HttpConnectorFactory[] connectors(String apiSection) {
    ApiConfiguration c = new ApiConfiguration(ConfigLoader.parse(CLUSTER + apiSection, Map.of(), "test.yml"), Map.of());
    DefaultServerFactory server = (DefaultServerFactory) c.getServerFactory();
    return new HttpConnectorFactory[] {
        (HttpConnectorFactory) server.getApplicationConnectors().get(0),
        (HttpConnectorFactory) server.getAdminConnectors().get(0)};
  }

  @Test
  void byDefaultBothPortsListenOnlyOnLoopback() {
    HttpConnectorFactory[] c = connectors("");

    assertThat(c[0].getBindHost()).isEqualTo("127.0.0.1");
    assertThat(c[0].getPort()).isEqualTo(8080);
    assertThat(c[1].getBindHost()).isEqualTo("127.0.0.1");
    assertThat(c[1].getPort()).isEqualTo(8081);
  }

  @Test
  void bindHostsAndPortsComeFromTheApiSection() {
    HttpConnectorFactory[] c = connectors("""
        api:
          port: 9443
          adminPort: 9444
          bindHost: 10.1.2.3
          adminBindHost: 0.0.0.0
        """);

    assertThat(c[0].getBindHost()).isEqualTo("10.1.2.3");
    assertThat(c[0].getPort()).isEqualTo(9443);
    assertThat(c[1].getBindHost()).isEqualTo("0.0.0.0");
    assertThat(c[1].getPort()).isEqualTo(9444);
  }
}
