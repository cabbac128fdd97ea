package io.pgrunbooks.activities.failover;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.config.NodeConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which configured node served a connection through PgBouncer, from the server's own address and port. */
class ServingNodeTest {
  private static NodeConfig node(String name, String host, int port) {
    return new NodeConfig(name, host, port, "/data/" + name, "postgres", null, null, 0);
  }

  @Test
  void nodesOnTheSamePortAreToldApartByAddress() {
    List<NodeConfig> nodes = List.of(node("pg1", "10.0.0.1", 5432), node("pg2", "10.0.0.2", 5432));

    assertThat(FailoverActivitiesImpl.servingNode(nodes, "10.0.0.2", 5432)).isEqualTo("pg2");
    assertThat(FailoverActivitiesImpl.servingNode(nodes, "10.0.0.1", 5432)).isEqualTo("pg1");
  }

  @Test
  void nodesOnOneHostAreToldApartByPort() {
    List<NodeConfig> nodes = List.of(node("pg1", "127.0.0.1", 15432), node("pg2", "127.0.0.1", 15433));

    assertThat(FailoverActivitiesImpl.servingNode(nodes, "127.0.0.1", 15433)).isEqualTo("pg2");
  }

  @Test
  void anAddressNoNodeHasFallsBackToAUniquePortOrSaysItDoesNotKnow() {
    List<NodeConfig> distinctPorts = List.of(node("pg1", "10.0.0.1", 5432), node("pg2", "10.0.0.2", 5433));
    List<NodeConfig> samePort = List.of(node("pg1", "10.0.0.1", 5432), node("pg2", "10.0.0.2", 5432));

    assertThat(FailoverActivitiesImpl.servingNode(distinctPorts, "192.168.9.9", 5433)).isEqualTo("pg2");
    assertThat(FailoverActivitiesImpl.servingNode(samePort, "192.168.9.9", 5432)).isNull();
  }
}
