package io.pgrunbooks.ops.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.workflows.common.SearchAttributes;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

class LocalStackTest {
  private static LocalStack stack;

  @BeforeAll
  static void startSharedStack() {
    long t0 = System.nanoTime();
    stack = SharedStack.get();
    System.out.printf("LocalStack started in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
  }

  @Test
  void replicaIsStreamingFromThePrimary() throws Exception {
    PostgresCluster pg = stack.postgres();
    pg.awaitStreaming("pg2", Duration.ofSeconds(30));
    String table = "streaming_probe_" + UUID.randomUUID().toString().replace("-", "");
    pg.primary().psql("postgres", "CREATE TABLE " + table + " (v text); INSERT INTO " + table + " VALUES ('hello')");

    assertThat(pg.primary().psql("postgres",
        "SELECT state FROM pg_stat_replication WHERE application_name = 'pg2'")).isEqualTo("streaming");
    assertThat(awaitValue(pg.node("pg2"), "SELECT v FROM " + table, Duration.ofSeconds(10))).isEqualTo("hello");
    assertThat(pg.node("pg2").psql("postgres", "SELECT pg_is_in_recovery()")).isEqualTo("t");
    assertThat(pg.primary().psql("postgres", "SELECT pg_is_in_recovery()")).isEqualTo("f");
    assertThat(pg.primary().psql("postgres", "SHOW data_checksums")).isEqualTo("on");
    assertThat(pg.node("pg2").psql("postgres", "SHOW data_checksums")).isEqualTo("on");
    assertThat(pg.currentPrimary().name()).isEqualTo("pg1");
    // pg_basebackup -R wrote the connection with a passfile, never the password itself.
    assertThat(java.nio.file.Files.readString(pg.node("pg2").dataDir().resolve("postgresql.auto.conf")))
        .contains("application_name=pg2", "passfile=", "primary_slot_name = 'pg2'")
        .doesNotContain(SharedStack.PASSWORD);
  }

  @Test
  void pgbouncerRoutesToThePrimary() throws Exception {
    try (Connection c = stack.pgbouncer().connect("postgres"); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery(), inet_server_port()")) {
      rs.next();
      assertThat(rs.getBoolean(1)).isFalse();
      assertThat(rs.getInt(2)).isEqualTo(stack.postgres().primary().port());
    }
    try (Connection admin = stack.pgbouncer().connectAdmin(); Statement s = admin.createStatement()) {
      List<String> pools = new ArrayList<>();
      try (ResultSet rs = s.executeQuery("SHOW POOLS")) {
        while (rs.next()) {
          pools.add(rs.getString("database") + "/" + rs.getString("user") + "/" + rs.getString("pool_mode"));
        }
      }
      assertThat(pools).contains("postgres/postgres/transaction");
      try (ResultSet rs = s.executeQuery("SHOW DATABASES")) {
        List<String> dbs = new ArrayList<>();
        while (rs.next()) {
          dbs.add(rs.getString("name") + "@" + rs.getString("host") + ":" + rs.getInt("port"));
        }
        assertThat(dbs).contains("postgres@127.0.0.1:" + stack.postgres().primary().port());
      }
    }
  }

  @Test
  void objectRoundTripsThroughTheS3Store() {
    S3Store s3 = stack.s3();
    byte[] body = ("archived rows " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
    try (S3Client client = S3Client.builder()
        .endpointOverride(s3.endpoint())
        .forcePathStyle(true)
        .region(Region.of(s3.region()))
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(s3.accessKey(), s3.secretKey())))
        .build()) {
      client.putObject(b -> b.bucket(s3.bucket()).key("probe/object.bin"), RequestBody.fromBytes(body));
      byte[] read = client.getObjectAsBytes(b -> b.bucket(s3.bucket()).key("probe/object.bin")).asByteArray();
      assertThat(read).isEqualTo(body);
    }
  }

  @Test
  void temporalDevServerHasTheContractSearchAttributes() {
    OperatorServiceStubs stubs = OperatorServiceStubs.newServiceStubs(
        OperatorServiceStubsOptions.newBuilder().setTarget(stack.temporal().address())
            .validateAndBuildWithDefaults());
    try {
      Map<String, IndexedValueType> custom = stubs.blockingStub()
          .listSearchAttributes(ListSearchAttributesRequest.newBuilder()
              .setNamespace(stack.temporal().namespace()).build())
          .getCustomAttributesMap();
      SearchAttributes.DEFINITIONS.forEach((name, type) -> assertThat(custom)
          .containsEntry(name, IndexedValueType.valueOf(TemporalDevServer.indexedValueType(type))));
    } finally {
      stubs.shutdownNow();
    }
    assertThat(stack.temporal().namespace()).isEqualTo("default");
  }

  @Test
  void describeHasTheStackJsonShape() throws Exception {
    Map<String, Object> d = stack.describe();
    assertThat(d).containsKeys("temporal", "postgres", "pgbouncer", "s3");
    assertThat(d.get("temporal")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
        .containsEntry("address", stack.temporal().address()).containsEntry("namespace", "default");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> nodes = (List<Map<String, Object>>) ((Map<String, Object>) d.get("postgres")).get("nodes");
    assertThat(nodes).extracting(n -> n.get("name")).containsExactly("pg1", "pg2");
    assertThat(nodes.get(0)).containsEntry("port", stack.postgres().primary().port()).containsEntry("user", "postgres");
    assertThat(d.get("s3")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
        .containsEntry("endpoint", stack.s3().endpoint().toString()).containsEntry("region", "us-east-1");
    var file = java.nio.file.Files.createTempFile("stack", ".json");
    try {
      stack.writeStackJson(file);
      var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(file.toFile());
      assertThat(json.at("/pgbouncer/adminPort").asInt()).isEqualTo(stack.pgbouncer().port());
      assertThat(URI.create(json.at("/s3/endpoint").asText())).isEqualTo(stack.s3().endpoint());
      // A script logs in with the passfile alone: no password in its environment or arguments.
      String passFile = json.at("/postgres/passFile").asText();
      assertThat(java.nio.file.Path.of(passFile)).isRegularFile();
      ProcessBuilder psql = new ProcessBuilder("/usr/lib/postgresql/15/bin/psql", "-w", "-h", "127.0.0.1",
          "-p", String.valueOf(stack.postgres().primary().port()), "-U", "postgres", "-d", "postgres", "-Atc",
          "SELECT 'logged in'").redirectErrorStream(true);
      psql.environment().remove("PGPASSWORD");
      psql.environment().put("PGPASSFILE", passFile);
      Process p = psql.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor()).as(out).isZero();
      assertThat(out.strip()).isEqualTo("logged in");
    } finally {
      java.nio.file.Files.deleteIfExists(file);
    }
  }

  private static String awaitValue(PostgresNode node, String sql, Duration timeout) throws SQLException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try (Connection c = node.connect("postgres"); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
        if (rs.next()) {
          return rs.getString(1);
        }
      } catch (SQLException e) {
        // The table may not have been replayed yet.
        if (System.nanoTime() > deadline) {
          throw e;
        }
      }
      if (System.nanoTime() > deadline) {
        return null;
      }
      Processes.sleep(Duration.ofMillis(50));
    }
  }
}
