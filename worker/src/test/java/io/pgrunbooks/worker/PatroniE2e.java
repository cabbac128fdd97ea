package io.pgrunbooks.worker;

import io.pgrunbooks.ops.stack.LocalStack;
import io.pgrunbooks.ops.stack.LocalStackOptions;
import io.pgrunbooks.ops.stack.PatroniServers;
import io.pgrunbooks.ops.stack.PostgresClusterOptions;
import io.pgrunbooks.ops.stack.SharedStack;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;

/** The Patroni mode of the local stack for the end-to-end tests, and cluster {@code main}'s config for it. */
final class PatroniE2e {
  private PatroniE2e() {}

  /** A stack of its own in Patroni mode, pg1 the leader and pg2 streaming from it. */
  static LocalStack start(String prefix) throws IOException {
    LocalStackOptions options = LocalStackOptions.defaults(Files.createTempDirectory(prefix))
        .withPassword(SharedStack.PASSWORD).withPatroni(new PostgresClusterOptions.Patroni(List.of(), 0));
    LocalStack stack = LocalStack.start(options);
    try {
      stack.postgres().awaitStreaming("pg2", Duration.ofSeconds(60));
    } catch (RuntimeException e) {
      stack.close();
      throw e;
    }
    return stack;
  }

  /**
   * Writes the fixture's config: {@link WorkerFixture#configYaml} with {@code topology: patroni}, the {@code patroni}
   * section and {@code clusterYaml} (indented for cluster main) in cluster main, and alice as the one approver.
   */
  static void writeConfig(WorkerFixture fixture, LocalStack stack, String clusterYaml) throws IOException {
    Files.writeString(fixture.config, WorkerFixture.configYaml(stack, fixture.metricsPort)
        .replace("    credentials:\n", clusterYaml + patroniSection(stack) + "    credentials:\n") + """
        approvals:
          defaultTimeout: 1h
          approvers:
            - {name: alice, roles: [approver]}
        """);
  }

  /** {@code topology: patroni} and the {@code patroni} section (REST API per node, credentials) of cluster main. */
  static String patroniSection(LocalStack stack) {
    PatroniServers patroni = stack.postgres().patroni();
    StringBuilder section = new StringBuilder("    topology: patroni\n    patroni:\n      restApi:\n");
    patroni.restUrls().forEach((node, url) -> section.append("        ").append(node).append(": ").append(url)
        .append('\n'));
    return section.append("      credentials: {user: ").append(PatroniServers.REST_USER).append(", passwordFile: \"")
        .append(patroni.passwordFile())
        .append("\"}\n").toString();
  }
}
