package io.pgrunbooks.ops.stack;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * How to start a {@link LocalStack}. Every port may be 0 (a free port; PostgreSQL nodes being
 * reused keep the port they had).
 *
 * @param baseDir PostgreSQL data dirs ({@code pg/}), PgBouncer files ({@code pgbouncer/}) and the Temporal log
 * @param primaryName the node initdb creates, default {@code pg1}
 * @param replicaNames streaming replicas, default {@code [pg2]}
 * @param postgresPort the primary's port
 * @param replicaPorts one per replica (or empty)
 * @param pgbouncerPort PgBouncer's listen port
 * @param s3Port S3Proxy's port
 * @param temporalPort Temporal frontend gRPC port
 * @param temporalUiPort Temporal Web UI port; 0 = headless
 * @param password password of the {@code postgres} role on PostgreSQL and PgBouncer; null = trust
 * @param s3DataDir S3 filesystem backend dir; null = transient (in-memory)
 * @param temporalDbFile Temporal SQLite file; null = in-memory
 * @param reuseExisting restart existing data dirs and keep everything on close ({@code runbooks dev})
 * @param s3TlsPort the S3 store's HTTPS port (pgBackRest's repository endpoint); 0 = a free port
 * @param patroni the PostgreSQL nodes under Patroni and one etcd (ports); null = direct, run with pg_ctl
 */
public record LocalStackOptions(
    Path baseDir,
    String primaryName,
    List<String> replicaNames,
    int postgresPort,
    List<Integer> replicaPorts,
    int pgbouncerPort,
    int s3Port,
    int temporalPort,
    int temporalUiPort,
    String password,
    Path s3DataDir,
    Path temporalDbFile,
    boolean reuseExisting,
    int s3TlsPort,
    PostgresClusterOptions.Patroni patroni) {

  /** Direct topology. */
  public LocalStackOptions(Path baseDir, String primaryName, List<String> replicaNames, int postgresPort,
      List<Integer> replicaPorts, int pgbouncerPort, int s3Port, int temporalPort, int temporalUiPort,
      String password, Path s3DataDir, Path temporalDbFile, boolean reuseExisting, int s3TlsPort) {
    this(baseDir, primaryName, replicaNames, postgresPort, replicaPorts, pgbouncerPort, s3Port, temporalPort,
        temporalUiPort, password, s3DataDir, temporalDbFile, reuseExisting, s3TlsPort, null);
  }

  /** With the S3 store's HTTPS endpoint on a free port. */
  public LocalStackOptions(Path baseDir, String primaryName, List<String> replicaNames, int postgresPort,
      List<Integer> replicaPorts, int pgbouncerPort, int s3Port, int temporalPort, int temporalUiPort,
      String password, Path s3DataDir, Path temporalDbFile, boolean reuseExisting) {
    this(baseDir, primaryName, replicaNames, postgresPort, replicaPorts, pgbouncerPort, s3Port, temporalPort,
        temporalUiPort, password, s3DataDir, temporalDbFile, reuseExisting, 0);
  }

  public LocalStackOptions {
    Objects.requireNonNull(baseDir, "baseDir");
    primaryName = primaryName == null ? "pg1" : primaryName;
    replicaNames = replicaNames == null ? List.of("pg2") : List.copyOf(replicaNames);
    replicaPorts = replicaPorts == null ? List.of() : List.copyOf(replicaPorts);
  }

  /** {@code pg1} + {@code pg2}, free ports, no password, transient S3, in-memory headless Temporal, fresh dirs. */
  public static LocalStackOptions defaults(Path baseDir) {
    return new LocalStackOptions(baseDir, "pg1", List.of("pg2"), 0, List.of(), 0, 0, 0, 0, null, null, null, false);
  }

  public LocalStackOptions withPassword(String password) {
    return new LocalStackOptions(baseDir, primaryName, replicaNames, postgresPort, replicaPorts, pgbouncerPort,
        s3Port, temporalPort, temporalUiPort, password, s3DataDir, temporalDbFile, reuseExisting, s3TlsPort, patroni);
  }

  public LocalStackOptions withReplicas(List<String> names) {
    return new LocalStackOptions(baseDir, primaryName, names, postgresPort, List.of(), pgbouncerPort,
        s3Port, temporalPort, temporalUiPort, password, s3DataDir, temporalDbFile, reuseExisting, s3TlsPort, patroni);
  }

  /** Durable state for {@code runbooks dev}: S3 objects and Temporal history on disk, data dirs kept. */
  public LocalStackOptions persistent(Path s3DataDir, Path temporalDbFile) {
    return new LocalStackOptions(baseDir, primaryName, replicaNames, postgresPort, replicaPorts, pgbouncerPort,
        s3Port, temporalPort, temporalUiPort, password, s3DataDir, temporalDbFile, true, s3TlsPort, patroni);
  }

  public LocalStackOptions withTemporalUiPort(int uiPort) {
    return new LocalStackOptions(baseDir, primaryName, replicaNames, postgresPort, replicaPorts, pgbouncerPort,
        s3Port, temporalPort, uiPort, password, s3DataDir, temporalDbFile, reuseExisting, s3TlsPort, patroni);
  }

  /** The PostgreSQL nodes under Patroni, with REST API ports per node (primary first) and etcd's port. */
  public LocalStackOptions withPatroni(PostgresClusterOptions.Patroni ports) {
    return new LocalStackOptions(baseDir, primaryName, replicaNames, postgresPort, replicaPorts, pgbouncerPort,
        s3Port, temporalPort, temporalUiPort, password, s3DataDir, temporalDbFile, reuseExisting, s3TlsPort, ports);
  }

  public LocalStackOptions withS3TlsPort(int port) {
    return new LocalStackOptions(baseDir, primaryName, replicaNames, postgresPort, replicaPorts, pgbouncerPort,
        s3Port, temporalPort, temporalUiPort, password, s3DataDir, temporalDbFile, reuseExisting, port, patroni);
  }
}
