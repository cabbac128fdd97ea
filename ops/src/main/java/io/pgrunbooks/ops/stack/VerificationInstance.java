package io.pgrunbooks.ops.stack;

import java.nio.file.Path;
import java.util.List;

/**
 * A node-less PostgreSQL instance named {@code verify}, separate from the stack's cluster, that
 * BackupVerification restores scratch databases into. Started beside a {@link LocalStack} (by
 * {@code runbooks dev} when the config names a local verification target, and by the backup tests);
 * the stack itself is unchanged, so nothing else pays for it.
 */
public final class VerificationInstance implements AutoCloseable {
  public static final String NAME = "verify";

  private final PostgresCluster cluster;

  private VerificationInstance(PostgresCluster cluster) {
    this.cluster = cluster;
  }

  /**
   * @param baseDir its data dir goes to {@code <baseDir>/pg/verify}
   * @param port 0 for a free port
   * @param reuseExisting restart an existing data dir and keep it on close ({@code runbooks dev})
   */
  public static VerificationInstance start(Path baseDir, int port, String password, boolean reuseExisting) {
    return new VerificationInstance(PostgresCluster.start(new PostgresClusterOptions(baseDir, NAME, port, List.of(),
        List.of(), password, reuseExisting)));
  }

  public PostgresNode node() {
    return cluster.primary();
  }

  @Override
  public void close() {
    cluster.close();
  }
}
