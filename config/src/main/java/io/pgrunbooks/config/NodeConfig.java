package io.pgrunbooks.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/**
 * One PostgreSQL server of a cluster and the host it runs on. Its node agent listens on task
 * queue {@code pg-runbooks-node-<name>}, which is why names are restricted to {@code [A-Za-z0-9_-]}.
 *
 * @param port PostgreSQL port (default 5432)
 * @param dataDir data directory on the host
 * @param runAs OS user that owns the data directory and runs pg_ctl (default postgres)
 * @param binDir directory of pg_ctl, pg_basebackup, pg_rewind (default /usr/lib/postgresql/15/bin)
 * @param slot physical replication slot this node streams from when it is a replica (default:
 *     the node name lower-cased, other characters replaced by '_')
 * @param agentMetricsPort Prometheus port of this host's node agent (default 0 = off)
 */
public record NodeConfig(
    String name,
    String host,
    int port,
    String dataDir,
    String runAs,
    String binDir,
    String slot,
    int agentMetricsPort) {

  public static final String DEFAULT_BIN_DIR = "/usr/lib/postgresql/15/bin";

  public NodeConfig {
    runAs = Copies.or(runAs, "postgres");
    binDir = Copies.or(binDir, DEFAULT_BIN_DIR);
    slot = slot == null && name != null ? defaultSlot(name) : slot;
  }

  /** The slot name derived from a node name: lower case, every char outside [a-z0-9_] as '_'. */
  public static String defaultSlot(String nodeName) {
    return nodeName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
  }

  // Boxed so that an absent port gets its default while an explicit 0 is refused by validation.
  @JsonCreator
  static NodeConfig fromYaml(
      @JsonProperty("name") String name,
      @JsonProperty("host") String host,
      @JsonProperty("port") Integer port,
      @JsonProperty("dataDir") String dataDir,
      @JsonProperty("runAs") String runAs,
      @JsonProperty("binDir") String binDir,
      @JsonProperty("slot") String slot,
      @JsonProperty("agentMetricsPort") Integer agentMetricsPort) {
    return new NodeConfig(
        name, host, Copies.or(port, 5432), dataDir, runAs, binDir, slot, Copies.or(agentMetricsPort, 0));
  }
}
