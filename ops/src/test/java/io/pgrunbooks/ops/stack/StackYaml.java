package io.pgrunbooks.ops.stack;

/** Config-file snippets describing a running local stack, for tests that write a pg-runbooks config. */
public final class StackYaml {
  private StackYaml() {}

  /**
   * The stack's PostgreSQL nodes as the items of {@code clusters.<name>.nodes}, indented six spaces to
   * sit under a {@code nodes:} key at four; agent metrics are off so parallel agents never clash.
   */
  public static String nodes(LocalStack stack) {
    StringBuilder nodes = new StringBuilder();
    for (PostgresNode node : stack.postgres().nodes()) {
      nodes.append("""
                - name: %s
                  host: %s
                  port: %d
                  dataDir: %s
                  agentMetricsPort: 0
          """.formatted(node.name(), node.host(), node.port(), node.dataDir().toAbsolutePath()));
    }
    return nodes.toString();
  }
}
