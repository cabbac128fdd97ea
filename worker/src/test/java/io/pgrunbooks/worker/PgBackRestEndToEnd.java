package io.pgrunbooks.worker;

import io.pgrunbooks.ops.stack.LocalStack;
import io.pgrunbooks.ops.stack.LocalStackOptions;
import io.pgrunbooks.ops.stack.PgBackRestStack;
import io.pgrunbooks.ops.stack.SharedStack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The pgBackRest end-to-end tests' common setup: a stack of their own whose nodes archive to stanza {@code main}
 * (repository {@code /pgbackrest/<name>} in the stack's bucket over HTTPS), a {@link WorkerFixture} on it, and the
 * cluster's {@code pgbackrest} section for its config. In the direct mode the archiving settings are written before
 * the nodes start, so no node restarts for them.
 */
final class PgBackRestEndToEnd implements AutoCloseable {
  static final String STANZA = "main";

  final LocalStack stack;
  final PgBackRestStack pgbackrest;
  final WorkerFixture fixture;
  final String repoPath;

  private PgBackRestEndToEnd(LocalStack stack, PgBackRestStack pgbackrest, WorkerFixture fixture, String repoPath) {
    this.stack = stack;
    this.pgbackrest = pgbackrest;
    this.fixture = fixture;
    this.repoPath = repoPath;
  }

  /**
   * Starts the stack ({@code options} applied to the password-protected defaults: pg1 primary, pg2 replica), its
   * archiving, stanza and check, and the worker fixture (no processes yet).
   */
  static PgBackRestEndToEnd start(String name, UnaryOperator<LocalStackOptions> options) throws IOException {
    Path base = Files.createTempDirectory("runbooks-" + name + "-e2e-");
    LocalStackOptions o = options.apply(LocalStackOptions.defaults(base).withPassword(SharedStack.PASSWORD));
    List<String> nodes = new ArrayList<>(List.of(o.primaryName()));
    nodes.addAll(o.replicaNames());
    if (o.patroni() == null) {
      PgBackRestStack.writeArchiveSettings(base, nodes, STANZA);
    }
    // The Patroni mode gets them after stanza-create instead, as a fresh `runbooks dev --topology patroni` does:
    // configure() rewrites each Patroni's YAML and restarts PostgreSQL through Patroni's REST API.
    long t0 = System.nanoTime();
    LocalStack stack = LocalStack.start(o);
    try {
      String repoPath = "/pgbackrest/" + name;
      long t1 = System.nanoTime();
      PgBackRestStack pgbackrest = PgBackRestStack.configure(stack, STANZA, repoPath, null);
      System.out.printf("%s e2e: stack started in %d ms, stanza created and checked in %d ms%n", name,
          (t1 - t0) / 1_000_000, (System.nanoTime() - t1) / 1_000_000);
      return new PgBackRestEndToEnd(stack, pgbackrest, new WorkerFixture(stack), repoPath);
    } catch (IOException | RuntimeException e) {
      stack.close();
      throw e;
    }
  }

  /**
   * Writes the fixture's config: {@link WorkerFixture#configYaml}, the cluster's {@code pgbackrest} section (plus
   * {@code pgbackrestExtra}, lines such as {@code "rtoObjective: 10m\n"}) and {@code clusterExtra} (whole cluster-level
   * sections, indented 4), then {@code topLevel} (e.g. archive and approvals sections).
   */
  void writeConfig(String pgbackrestExtra, String clusterExtra, String topLevel) throws IOException {
    StringBuilder section = new StringBuilder(clusterExtra).append("""
            pgbackrest:
              stanza: %s
              configFile: %s
              repoPath: %s
        """.formatted(STANZA, pgbackrest.configFile(), repoPath));
    pgbackrestExtra.lines().forEach(l -> section.append("      ").append(l).append('\n'));
    section.append("    credentials:\n");
    Files.writeString(fixture.config, WorkerFixture.configYaml(stack, fixture.metricsPort)
        .replace("    credentials:\n", section.toString()) + topLevel);
  }

  /** A full backup taken by hand (not through a runbook), as the drill and restore tests need one first. */
  void fullBackup() {
    pgbackrest.run(Duration.ofMinutes(5), "--type=full", "--repo1-path=" + repoPath, "backup");
  }

  /** Whether a {@code pgbackrest <command>} of this stack's config is running now (its command line ends so). */
  boolean running(String command) {
    String config = pgbackrest.configFile().toString();
    return ProcessHandle.allProcesses().anyMatch(h -> h.info().commandLine()
        .map(c -> c.contains("pgbackrest") && c.contains(config) && c.endsWith(" " + command)).orElse(false));
  }

  @Override
  public void close() {
    try {
      fixture.close();
    } finally {
      stack.close();
    }
  }
}
