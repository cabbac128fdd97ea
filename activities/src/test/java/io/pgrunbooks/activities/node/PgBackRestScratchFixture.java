package io.pgrunbooks.activities.node;

import io.pgrunbooks.activities.postgres.ConnectionFactory;
import io.pgrunbooks.activities.postgres.RestoreDrillActivitiesImpl;
import io.pgrunbooks.config.ConfigLoader;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.ops.stack.LocalStack;
import io.pgrunbooks.ops.stack.PgBackRestStack;
import io.pgrunbooks.ops.stack.PostgresCluster;
import io.pgrunbooks.ops.stack.PostgresClusterOptions;
import io.pgrunbooks.ops.stack.S3Store;
import io.pgrunbooks.ops.stack.S3StoreOptions;
import io.pgrunbooks.workflows.physicalbackup.PgBackRestBackup;
import io.pgrunbooks.workflows.physicalbackup.PgBackRestCall;
import io.pgrunbooks.workflows.restoredrill.DrillRemoveCall;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A real PostgreSQL primary {@code pg1} of cluster {@code pitr} archiving through pgBackRest 2.45 to the S3 store over
 * HTTPS, database {@code app} with a 20 000-row table {@code quiet} and an empty {@code busy}, one full backup taken;
 * with the scratch-instance activities of its node agent. Shared by RestoreDrill's and PointInTimeRestore's tests.
 */
final class PgBackRestScratchFixture implements AutoCloseable {
  static final String CLUSTER = "pitr";

  final Path dir;
  final PostgresCluster cluster;
  final S3Store s3;
  final RunbooksConfig config;
  final RestoreDrillActivitiesImpl central;
  final DrillScratchActivitiesImpl scratch;
  final PgBackRestActivitiesImpl pgbackrest;
  final PgBackRestBackup full;
  /** The stanza's pgBackRest, for {@code check} and the like. */
  final PgBackRestStack repo;

  private PgBackRestScratchFixture(Path dir, PostgresCluster cluster, S3Store s3, RunbooksConfig config,
                                   PgBackRestBackup full, PgBackRestStack repo) {
    this.dir = dir;
    this.cluster = cluster;
    this.s3 = s3;
    this.config = config;
    this.central = new RestoreDrillActivitiesImpl(config, new ConnectionFactory(config));
    this.scratch = new DrillScratchActivitiesImpl(config, "pg1", Map.of());
    this.pgbackrest = new PgBackRestActivitiesImpl(config, "pg1", Map.of());
    this.full = full;
    this.repo = repo;
  }

  static PgBackRestScratchFixture start(String tempPrefix) throws Exception {
    return start(tempPrefix, List.of());
  }

  /** As {@link #start(String)}, with streaming replicas of pg1 named {@code replicas} (their nodes in the config). */
  static PgBackRestScratchFixture start(String tempPrefix, List<String> replicas) throws Exception {
    return start(tempPrefix, replicas, false);
  }

  /**
   * As {@link #start(String, List)}; with {@code fromStandby} the config says {@code backupStandby: true} (with the
   * stack's socket directory) and the full backup is taken on the first replica's agent, from that standby.
   */
  static PgBackRestScratchFixture start(String tempPrefix, List<String> replicas, boolean fromStandby)
      throws Exception {
    Path dir = Files.createTempDirectory(tempPrefix);
    List<String> names = new java.util.ArrayList<>(List.of("pg1"));
    names.addAll(replicas);
    PgBackRestStack.writeArchiveSettings(dir, names, "main");
    S3Store s3 = S3Store.start(new S3StoreOptions(0, dir.resolve("s3"), LocalStack.BUCKET, "ak", "sk-secret",
        dir.resolve("tls"), 0));
    PostgresCluster cluster = PostgresCluster.start(new PostgresClusterOptions(dir, "pg1", 0, replicas, List.of(),
        null, false));
    PgBackRestStack stack = PgBackRestStack.configure(dir, cluster, s3, "main", "/pgbackrest/main", null);
    StringBuilder more = new StringBuilder();
    for (String r : replicas) {
      more.append("      - {name: %s, host: 127.0.0.1, port: %d, dataDir: %s}\n".formatted(r,
          cluster.node(r).port(), cluster.node(r).dataDir()));
    }
    RunbooksConfig config = ConfigLoader.parse("""
        clusters:
          %s:
            nodes:
              - name: pg1
                host: 127.0.0.1
                port: %d
                dataDir: %s
        %s
            rebuild:
              stopTimeout: 20s
            pgbackrest:
              stanza: main
              configFile: %s
              repoPath: /pgbackrest/main
              rtoObjective: 10m
        %s""".formatted(CLUSTER, cluster.primary().port(), cluster.primary().dataDir(), more.toString().stripTrailing(),
        stack.configFile(), !fromStandby ? "" : "      backupStandby: true\n      socketPath: %s\n"
            .formatted(cluster.primary().socketDir())),
        Map.of(), "drill-test");
    cluster.primary().psql("postgres", "CREATE DATABASE app");
    cluster.primary().psql("app", "CREATE TABLE quiet(id int PRIMARY KEY, v text); "
        + "INSERT INTO quiet SELECT g, md5(g::text) FROM generate_series(1, 20000) g; "
        + "CREATE TABLE busy(id int PRIMARY KEY)");
    String agent = fromStandby ? replicas.get(0) : "pg1";
    PgBackRestBackup full = new PgBackRestActivitiesImpl(config, agent, Map.of())
        .pgbackrestBackup(new PgBackRestCall(CLUSTER, "full", "drill-test-full", List.of(), fromStandby ? "pg1" : null));
    return new PgBackRestScratchFixture(dir, cluster, s3, config, full, stack);
  }

  /** Removes the named scratch instances (a test that failed half-way leaves them running), then stops the stack. */
  void close(String... scratchNames) {
    for (String n : scratchNames) {
      scratch.drillRemove(new DrillRemoveCall(CLUSTER, n));
    }
    close();
  }

  @Override
  public void close() {
    cluster.close();
    s3.close();
  }
}
