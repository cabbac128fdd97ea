package io.pgrunbooks.activities.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrunbooks.activities.postgres.ArchiveHealthActivitiesImpl;
import io.pgrunbooks.activities.postgres.ConnectionFactory;
import io.pgrunbooks.workflows.activities.ArchiveHealthActivities.ArchiveFacts;
import io.pgrunbooks.activities.postgres.PhysicalBackupActivitiesImpl;
import io.pgrunbooks.config.ConfigLoader;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.ops.stack.LocalStack;
import io.pgrunbooks.ops.stack.PgBackRestStack;
import io.pgrunbooks.ops.stack.PostgresCluster;
import io.pgrunbooks.ops.stack.PostgresClusterOptions;
import io.pgrunbooks.ops.stack.S3Store;
import io.pgrunbooks.ops.stack.S3StoreOptions;
import io.pgrunbooks.workflows.physicalbackup.PgBackRestAnnotateCall;
import io.pgrunbooks.workflows.physicalbackup.PgBackRestBackup;
import io.pgrunbooks.workflows.physicalbackup.PgBackRestCall;
import io.pgrunbooks.workflows.physicalbackup.PhysicalBackupTarget;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * PhysicalBackup's activities against real pgBackRest 2.45, a real PostgreSQL primary archiving to it and the
 * S3 store over HTTPS. The tests build on each other's backups, in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PgBackRestOnLocalStackTest {
  private static final String CLUSTER = "pitr";
  private static Path dir;
  private static PostgresCluster cluster;
  private static S3Store s3;
  private static PgBackRestStack stack;
  private static PgBackRestActivitiesImpl agent;
  private static RunbooksConfig config;
  private static String firstFull;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("runbooks-pgbackrest-");
    PgBackRestStack.writeArchiveSettings(dir, List.of("pg1"), "main");
    s3 = S3Store.start(new S3StoreOptions(0, null, LocalStack.BUCKET, "ak", "sk-secret", dir.resolve("tls"), 0));
    cluster = PostgresCluster.start(new PostgresClusterOptions(dir, "pg1", 0, List.of(), List.of(), null, false));
    stack = PgBackRestStack.configure(dir, cluster, s3, "main", "/pgbackrest/main", null);
    config = ConfigLoader.parse("""
        clusters:
          %s:
            nodes:
              - name: pg1
                host: 127.0.0.1
                port: %d
                dataDir: %s
            pgbackrest:
              stanza: main
              configFile: %s
              repoPath: /pgbackrest/main
          plain:
            nodes:
              - name: pg1
                host: 127.0.0.1
                port: %d
                dataDir: %s
        """.formatted(CLUSTER, cluster.primary().port(), cluster.primary().dataDir(), stack.configFile(),
        cluster.primary().port(), cluster.primary().dataDir()), Map.of(), "pgbackrest-test");
    agent = new PgBackRestActivitiesImpl(config, "pg1", Map.of());
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
    if (s3 != null) {
      s3.close();
    }
  }

  @Test
  @Order(1)
  void theTargetIsTheCurrentPrimaryWithTheConfiguredStanza() {
    PhysicalBackupTarget t = new PhysicalBackupActivitiesImpl(config, new ConnectionFactory(config))
        .physicalBackupTarget(CLUSTER);

    assertThat(t.node()).isEqualTo("pg1");
    assertThat(t.stanza()).isEqualTo("main");
    assertThat(t.retentionFull()).isEqualTo(2);
  }

  @Test
  @Order(2)
  void fullThenIncrementalAreRecordedWithLabelSizeAndWalRange() {
    assertThat(agent.pgbackrestInfo(PgBackRestCall.info(CLUSTER))).isEmpty();

    PgBackRestBackup full = agent.pgbackrestBackup(new PgBackRestCall(CLUSTER, "full", "run-a", List.of()));
    cluster.primary().psql("postgres", "CREATE TABLE t(id int); INSERT INTO t SELECT generate_series(1, 1000)");
    PgBackRestBackup incr = agent.pgbackrestBackup(new PgBackRestCall(CLUSTER, "incr", "run-b", List.of()));

    assertThat(full.type()).isEqualTo("full");
    assertThat(full.label()).endsWith("F");
    assertThat(full.size()).isPositive();
    assertThat(full.repoSize()).isPositive();
    assertThat(full.walStart()).matches("[0-9A-F]{24}");
    assertThat(full.walStop()).matches("[0-9A-F]{24}");
    assertThat(full.runKey()).isEqualTo("run-a");
    assertThat(incr.type()).isEqualTo("incr");
    assertThat(incr.references()).contains(full.label());
    assertThat(agent.pgbackrestInfo(PgBackRestCall.info(CLUSTER))).extracting(PgBackRestBackup::label)
        .containsExactly(full.label(), incr.label());
    firstFull = full.label();
  }

  @Test
  @Order(3)
  void aRetriedAttemptReturnsTheBackupItsPredecessorTookInsteadOfTakingASecond() {
    List<PgBackRestBackup> before = agent.pgbackrestInfo(PgBackRestCall.info(CLUSTER));

    PgBackRestBackup again = agent.pgbackrestBackup(new PgBackRestCall(CLUSTER, "incr", "run-b", List.of()));

    assertThat(again.label()).isEqualTo(before.get(1).label());
    assertThat(agent.pgbackrestInfo(PgBackRestCall.info(CLUSTER))).hasSameSizeAs(before);
  }

  @Test
  @Order(4)
  void aBackupKilledMidwayIsCompletedByTheNextAttempt() throws Exception {
    cluster.primary().psql("postgres", "CREATE TABLE bulk AS SELECT g AS id, md5(g::text) AS v "
        + "FROM generate_series(1, 1500000) g");
    // What a host crash does to pgBackRest: the process dies with SIGKILL in the middle of copying files.
    Process p = new ProcessBuilder(HostCommands.as("postgres", List.of(PgBackRestStack.BINARY.toString(),
        "--config=" + stack.configFile(), "--stanza=main", "--type=full", "--no-expire-auto", "backup")))
        .redirectErrorStream(true).redirectOutput(dir.resolve("killed-backup.log").toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline && !backupCopying()) {
      Thread.sleep(50);
    }
    p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
    p.waitFor(10, TimeUnit.SECONDS);
    assertThat(p.isAlive()).isFalse();

    PgBackRestBackup full = agent.pgbackrestBackup(new PgBackRestCall(CLUSTER, "full", "run-c", List.of()));

    assertThat(full.type()).isEqualTo("full");
    assertThat(full.runKey()).isEqualTo("run-c");
    assertThat(agent.pgbackrestInfo(PgBackRestCall.info(CLUSTER))).extracting(PgBackRestBackup::type)
        .containsExactly("full", "incr", "full");
    String log = Files.readString(dir.resolve("pgbackrest/log/main-backup.log"));
    // 2.45 resumes a full backup killed midway: checksummed files already in the repository are kept.
    System.out.println("pgBackRest after a killed backup: " + log.lines()
        .filter(l -> l.contains("resum") || l.contains("aborted")).toList());
  }

  @Test
  @Order(5)
  void expireSetRemovesTheOldFullWithItsDependentsAndARetrySkipsIt() {
    assertThat(agent.pgbackrestExpire(new PgBackRestCall(CLUSTER, null, null, List.of(firstFull))))
        .containsExactly(firstFull);

    List<PgBackRestBackup> left = agent.pgbackrestInfo(PgBackRestCall.info(CLUSTER));
    assertThat(left).extracting(PgBackRestBackup::type).containsExactly("full");
    assertThat(left.get(0).runKey()).isEqualTo("run-c");
    assertThat(agent.pgbackrestExpire(new PgBackRestCall(CLUSTER, null, null, List.of(firstFull)))).isEmpty();
  }

  @Test
  @Order(6)
  void aClusterWithoutPgBackRestOrAnUnknownOneIsBadInputBeforeAnyCommand() {
    assertThatThrownBy(() -> agent.pgbackrestBackup(new PgBackRestCall("plain", "full", "run-x", List.of())))
        .isInstanceOf(ApplicationFailure.class).hasMessageContaining("has no pgbackrest section")
        .matches(e -> ((ApplicationFailure) e).isNonRetryable());
    assertThatThrownBy(() -> agent.pgbackrestInfo(PgBackRestCall.info("nope")))
        .isInstanceOf(ApplicationFailure.class).hasMessageContaining("unknown cluster 'nope'");
    assertThatThrownBy(() -> new PhysicalBackupActivitiesImpl(config, new ConnectionFactory(config))
        .physicalBackupTarget("plain")).hasMessageContaining("has no pgbackrest section");
  }

  @Test
  @Order(7)
  void healthCheckSeesTheArchiverCatchUpThenLagAndFailWhenArchiveCommandFails() throws Exception {
    ArchiveHealthActivitiesImpl health = new ArchiveHealthActivitiesImpl(config, new ConnectionFactory(config));
    assertThat(health.collectArchiveFacts("plain").configured()).isFalse();

    cluster.primary().psql("postgres", "INSERT INTO t SELECT generate_series(1, 100); SELECT pg_switch_wal()");
    ArchiveFacts ok = await(health, f -> f.readySegments() == 0 && f.lastArchivedWal() != null);
    assertThat(ok.configured()).isTrue();
    assertThat(ok.primary()).isEqualTo("pg1");
    assertThat(ok.stanza()).isEqualTo("main");
    assertThat(ok.archiveMode()).isEqualTo("on");
    assertThat(ok.failing()).isFalse();
    assertThat(ok.thresholds().archiveLagDegradedSeconds()).isEqualTo(300);

    // A broken archive_command: the finished segment waits as .ready and the archiver records failures.
    String command = cluster.primary().psql("postgres", "SHOW archive_command").strip();
    // psql -c runs a multi-statement string in one transaction, and ALTER SYSTEM refuses that.
    cluster.primary().psql("postgres", "ALTER SYSTEM SET archive_command = 'false'");
    cluster.primary().psql("postgres", "SELECT pg_reload_conf()");
    try {
      Thread.sleep(1000);
      cluster.primary().psql("postgres", "INSERT INTO t SELECT generate_series(1, 100); SELECT pg_switch_wal()");
      ArchiveFacts broken = await(health, f -> f.readySegments() >= 1 && f.failing() && f.oldestReadySecondsAgo() >= 2);
      assertThat(broken.failedCount()).isPositive();
      assertThat(broken.oldestReadySecondsAgo()).isGreaterThanOrEqualTo(2);
    } finally {
      cluster.primary().psql("postgres", "ALTER SYSTEM RESET archive_command");
      cluster.primary().psql("postgres", "SELECT pg_reload_conf()");
    }
    assertThat(cluster.primary().psql("postgres", "SHOW archive_command").strip()).isEqualTo(command);
    ArchiveFacts healed = await(health, f -> f.readySegments() == 0 && !f.failing());
    assertThat(healed.lastArchivedSecondsAgo()).isLessThan(120);
  }

  @Test
  @Order(8)
  void aDrillProofIsAnAnnotationNextToTheRunKeyAndWritingItAgainChangesNothing() {
    List<PgBackRestBackup> backups = agent.pgbackrestInfo(PgBackRestCall.info(CLUSTER));
    PgBackRestBackup backup = backups.isEmpty()
        ? agent.pgbackrestBackup(new PgBackRestCall(CLUSTER, "full", "run-d", List.of())) : backups.get(0);
    String proof = "restore-drill:" + CLUSTER + "/run-1@2026-12-07T05:00:00Z";

    agent.pgbackrestAnnotate(new PgBackRestAnnotateCall(CLUSTER, backup.label(), proof));
    agent.pgbackrestAnnotate(new PgBackRestAnnotateCall(CLUSTER, backup.label(), proof));

    PgBackRestBackup proven = agent.pgbackrestInfo(PgBackRestCall.info(CLUSTER)).stream()
        .filter(b -> b.label().equals(backup.label())).findFirst().orElseThrow();
    assertThat(proven.drillProof()).isEqualTo(proof);
    assertThat(proven.runKey()).as("the run annotation is kept").isEqualTo(backup.runKey()).isNotNull();
    assertThatThrownBy(() -> agent.pgbackrestAnnotate(new PgBackRestAnnotateCall(CLUSTER, "20200101-000000F", proof)))
        .isInstanceOf(ApplicationFailure.class).hasMessageContaining("backup 20200101-000000F of stanza main is gone")
        .matches(e -> ((ApplicationFailure) e).isNonRetryable());
  }

  private static ArchiveFacts await(ArchiveHealthActivitiesImpl health, java.util.function.Predicate<ArchiveFacts> done)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    ArchiveFacts f = health.collectArchiveFacts(CLUSTER);
    while (!done.test(f)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("archive facts never reached the expected state: " + f);
      }
      Thread.sleep(500);
      f = health.collectArchiveFacts(CLUSTER);
    }
    return f;
  }

  /**
   * True once a backup is copying files: its directory has the manifest copy written at the start but not yet
   * the final manifest, and some of the data files.
   */
  private static boolean backupCopying() {
    List<String> ls = stack.run(Duration.ofSeconds(30), "--recurse", "repo-ls", "backup/main").lines().toList();
    return ls.stream().filter(l -> l.endsWith("/backup.manifest.copy"))
        .map(l -> l.substring(0, l.indexOf('/')))
        .filter(label -> !ls.contains(label + "/backup.manifest"))
        .anyMatch(label -> ls.stream().filter(l -> l.startsWith(label + "/pg_data/")).count() > 20);
  }
}
