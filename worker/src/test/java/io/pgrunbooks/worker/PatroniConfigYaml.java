package io.pgrunbooks.worker;

import io.pgrunbooks.ops.stack.LocalStack;
import io.pgrunbooks.ops.stack.PatroniServers;

/** The worker config of a Patroni-mode local stack: {@code topology: patroni}, its REST URLs and credentials, alice. */
final class PatroniConfigYaml {
  private PatroniConfigYaml() {}

  static String of(LocalStack stack, int metricsPort) {
    return WorkerFixture.configYaml(stack, metricsPort).replace("    credentials:\n", section(stack) + "    credentials:\n")
        + """
        approvals:
          defaultTimeout: 1h
          approvers:
            - {name: alice, roles: [approver]}
        """;
  }

  /** The cluster-level {@code topology: patroni} and {@code patroni} sections of a stack in the Patroni mode. */
  static String section(LocalStack stack) {
    PatroniServers patroni = stack.postgres().patroni();
    StringBuilder section = new StringBuilder("    topology: patroni\n    patroni:\n      restApi:\n");
    patroni.restUrls().forEach((node, url) -> section.append("        ").append(node).append(": ").append(url)
        .append('\n'));
    return section.append("      credentials: {user: ").append(PatroniServers.REST_USER).append(", passwordFile: \"")
        .append(patroni.passwordFile()).append("\"}\n").toString();
  }
}
