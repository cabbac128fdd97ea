package io.pgrunbooks.worker;

import io.pgrunbooks.ops.stack.PatroniServers;

/** The {@code topology: patroni} lines of cluster {@code main} for the Patroni mode of the local stack. */
final class PatroniConfigYaml {
  private PatroniConfigYaml() {}

  /**
   * {@code topology}, {@code patroni} (REST URLs, credentials file) and the {@code credentials:} key they go in front
   * of: replace {@code "    credentials:\n"} of {@link WorkerFixture#configYaml} with it.
   */
  static String beforeCredentials(PatroniServers patroni) {
    StringBuilder section = new StringBuilder("    topology: patroni\n    patroni:\n      restApi:\n");
    patroni.restUrls().forEach((node, url) -> section.append("        ").append(node).append(": ").append(url)
        .append('\n'));
    section.append("      credentials: {user: patroni, passwordFile: \"").append(patroni.passwordFile())
        .append("\"}\n    credentials:\n");
    return section.toString();
  }
}
