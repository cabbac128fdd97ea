package io.pgrunbooks.ops.dev;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.pgrunbooks.config.ClusterConfig;
import io.pgrunbooks.config.NodeConfig;
import io.pgrunbooks.ops.stack.PatroniServers;
import io.pgrunbooks.ops.stack.PostgresClusterOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code runbooks dev --topology patroni}: the dev config with its one cluster turned into a Patroni cluster
 * (written to {@code <dev dir>/config-patroni.yml}, which the worker, agents and API then read), and the ports of
 * the Patroni REST APIs and etcd.
 */
public final class DevPatroni {
  /** etcd's client port in {@code runbooks dev --topology patroni}; its peer port is the next one. */
  public static final int ETCD_PORT = 12379;
  /** The first node's Patroni REST API port; the next nodes count up. */
  public static final int FIRST_REST_PORT = 18008;
  static final String DERIVED_CONFIG = "config-patroni.yml";

  private DevPatroni() {}

  /**
   * The config to run: {@code configFile} itself when its cluster already has {@code topology: patroni},
   * else a copy with {@code topology: patroni}, a {@code patroni} section for the local ports and the REST API
   * password file. A {@code pgbackrest} section stays: Patroni runs archive_command as {@code postgresql.parameters}
   * of each node, and the stanza is created once the leader runs ({@link DevPgBackRest}).
   */
  public static Path config(Path configFile, String clusterName, ClusterConfig cluster, Path devDir) {
    if (cluster.onPatroni()) {
      return configFile;
    }
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER));
    try {
      JsonNode root = yaml.readTree(configFile.toFile());
      ObjectNode c = (ObjectNode) root.path("clusters").path(clusterName);
      c.put("topology", ClusterConfig.PATRONI);
      ObjectNode patroni = c.putObject("patroni");
      ObjectNode rest = patroni.putObject("restApi");
      for (int i = 0; i < cluster.nodes().size(); i++) {
        rest.put(cluster.nodes().get(i).name(), "http://127.0.0.1:" + (FIRST_REST_PORT + i));
      }
      patroni.putObject("credentials").put("user", PatroniServers.REST_USER)
          .put("passwordFile", "${RUNBOOKS_DEV_DIR}/patroni/rest-password");
      Path out = devDir.resolve(DERIVED_CONFIG);
      Files.writeString(out, "# Written by `runbooks dev --topology patroni` from " + configFile
          + " on every start; edit that file instead.\n" + yaml.writeValueAsString(root), StandardCharsets.UTF_8);
      return out;
    } catch (IOException | ClassCastException e) {
      throw new IllegalStateException("cannot derive the Patroni config from " + configFile + ": " + e.getMessage(), e);
    }
  }

  /** The stack's Patroni ports from a Patroni cluster's REST API URLs (in node order) and {@link #ETCD_PORT}. */
  public static PostgresClusterOptions.Patroni ports(ClusterConfig cluster) {
    List<Integer> ports = new ArrayList<>();
    for (NodeConfig n : cluster.nodes()) {
      URI url = URI.create(cluster.patroni().url(n.name()));
      if (!List.of("127.0.0.1", "localhost").contains(url.getHost()) || url.getPort() < 1) {
        throw new IllegalArgumentException("runbooks dev runs Patroni on this machine: clusters.<name>.patroni.restApi."
            + n.name() + " must be http://127.0.0.1:<port> (it is " + url + ")");
      }
      ports.add(url.getPort());
    }
    return new PostgresClusterOptions.Patroni(ports, ETCD_PORT);
  }

  /** Every port the Patroni mode listens on, for the busy-port check. */
  public static List<Integer> listenPorts(PostgresClusterOptions.Patroni ports) {
    List<Integer> all = new ArrayList<>(ports.restPorts());
    all.add(ports.etcdPort());
    return all;
  }
}
