package io.pgrunbooks.ops.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** Real pgBackRest 2.45 against the stack's PostgreSQL and its S3 store over HTTPS (the stack's own CA). */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PgBackRestStackTest {
  private static final String STANZA = "main";
  private static Path dir;
  private static PostgresCluster cluster;
  private static S3Store s3;
  private static PgBackRestStack pgbackrest;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("runbooks-pitr-");
    // Archiving settings written before the nodes start: configure() then needs no restart.
    PgBackRestStack.writeArchiveSettings(dir, List.of("pg1", "pg2"), STANZA);
    s3 = S3Store.start(new S3StoreOptions(0, null, LocalStack.BUCKET, "ak", "sk-secret", dir.resolve("tls"), 0));
    cluster = PostgresCluster.start(PostgresClusterOptions.primaryAndOneReplica(dir, null));
    long pid = cluster.primary().pid().orElseThrow();
    pgbackrest = PgBackRestStack.configure(dir, cluster, s3, STANZA, "/pgbackrest/main", null);
    assertThat(cluster.primary().pid().orElseThrow()).as("no restart when settings were written first").isEqualTo(pid);
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
  void switchedWalSegmentReachesTheRepositoryOverHttps() {
    PostgresNode primary = cluster.primary();
    assertThat(primary.psql("postgres", "SHOW archive_mode")).isEqualTo("on");
    primary.psql("postgres", "CREATE TABLE IF NOT EXISTS marker(id int); INSERT INTO marker VALUES (1)");
    String segment = primary.psql("postgres", "SELECT pg_walfile_name(pg_switch_wal())");
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    String listing = "";
    while (System.nanoTime() < deadline && !listing.contains(segment)) {
      listing = pgbackrest.run(Duration.ofSeconds(30), "--recurse", "repo-ls", "archive/" + STANZA);
      Processes.sleep(Duration.ofMillis(200));
    }
    assertThat(listing).contains(segment);
    // Pushes before stanza-create failed and were retried; none has failed since the last success.
    assertThat(primary.psql("postgres", "SELECT last_failed_time IS NULL OR last_archived_time > last_failed_time "
        + "FROM pg_stat_archiver")).isEqualTo("t");
    // The replica carries its own archive_command (its own data dir): it archives once promoted.
    assertThat(cluster.node("pg2").psql("postgres", "SHOW archive_command"))
        .contains("--pg1-path=" + cluster.node("pg2").dataDir());
  }

  @Test
  @Order(2)
  void fullThenIncrementalBackupAppearInInfo() throws Exception {
    pgbackrest.run(Duration.ofMinutes(5), "--type=full", "backup");
    cluster.primary().psql("postgres", "CREATE TABLE IF NOT EXISTS after_full(id int); INSERT INTO after_full VALUES (1)");
    pgbackrest.run(Duration.ofMinutes(5), "--type=incr", "backup");
    JsonNode info = new ObjectMapper().readTree(pgbackrest.infoJson()).get(0);
    List<String> types = new ArrayList<>();
    info.get("backup").forEach(b -> types.add(b.get("type").asText()));
    assertThat(types).containsExactly("full", "incr");
    JsonNode incr = info.get("backup").get(1);
    assertThat(incr.get("reference").toString()).contains(info.get("backup").get(0).get("label").asText());
    assertThat(incr.get("archive").get("start").asText()).isNotBlank();
  }

  @Test
  @Order(3)
  void aClientThatDoesNotTrustTheStackCaIsRefused() {
    // Proof that verification is on: the system CAs do not vouch for the stack's certificate.
    assertThatThrownBy(() -> pgbackrest.run(Duration.ofSeconds(90), "--io-timeout=5",
        "--repo1-storage-ca-file=/etc/ssl/certs/ca-certificates.crt", "repo-ls"))
        .hasMessageContaining("unable to verify certificate");
  }
}
