package io.pgrunbooks.ops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.ops.stack.S3Store;
import io.pgrunbooks.ops.stack.SharedStack;
import io.pgrunbooks.workflows.activities.ArchiveManifest;
import io.pgrunbooks.workflows.activities.ColumnDef;
import io.pgrunbooks.workflows.common.DataConverters;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** {@code runbooks archives} against the shared stack's S3 store: both layouts, newest first, nothing else. */
class ArchivesCommandTest {
  private static final String ROOT = "cli-archives/main/app/public/events/";

  @Test
  void listsEveryArchiveOfAPartitionNewestFirstInBothLayoutsWithRowsBytesTimeAndHash() throws Exception {
    S3Store store = SharedStack.get().s3();
    try (S3Client s3 = S3Client.builder().endpointOverride(store.endpoint()).region(Region.of(store.region()))
        .forcePathStyle(true).credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(store.accessKey(), store.secretKey()))).build()) {
      put(s3, store, ROOT + "events_2025_01/manifest.json", manifest("events_2025_01", 100, "aa", "2025-03-01T00:00:00Z"));
      put(s3, store, ROOT + "events_2025_01/run-r2/manifest.json", manifest("events_2025_01", 250, "bb", "2026-03-01T00:00:00Z"));
      put(s3, store, ROOT + "events_2025_02/run-r3/manifest.json", manifest("events_2025_02", 7, "cc", "2026-04-01T00:00:00Z"));
      // Same names in another database: not listed.
      put(s3, store, "cli-archives/main/other/public/events/events_2025_01/run-x/manifest.json",
          manifest("events_2025_01", 1, "dd", "2026-05-01T00:00:00Z"));
    }
    Path config = Files.createTempFile("archives-cli", ".yml");
    Files.writeString(config, """
        clusters:
          main:
            nodes:
              - {name: pg1, host: 127.0.0.1, port: 5432, dataDir: /tmp/x}
            credentials: {user: postgres, passwordEnv: PM_PASSWORD}
            databases:
              app:
                partitions:
                  - {table: public.events, retention: 3mo}
        archive:
          bucket: %s
          prefix: cli-archives
          endpoint: %s
          region: %s
          forcePathStyle: true
          accessKeyEnv: ARCH_ACCESS
          secretKeyEnv: ARCH_SECRET
        """.formatted(store.bucket(), store.endpoint(), store.region()));

    String partition = run(config, store, "--table", "public.events_2025_01");
    String parent = run(config, store, "--table", "public.events");

    assertThat(partition.lines().toList()).hasSize(3);
    assertThat(partition.lines().skip(1).toList()).satisfiesExactly(
        l -> assertThat(l).contains("2026-03-01T00:00:00Z").contains(" 250 ").contains("bb".repeat(32)).contains(" run ")
            .endsWith(ROOT + "events_2025_01/run-r2/manifest.json"),
        l -> assertThat(l).contains("2025-03-01T00:00:00Z").contains(" 100 ").contains("aa".repeat(32)).contains(" legacy ")
            .endsWith(ROOT + "events_2025_01/manifest.json"));
    assertThat(parent.lines().skip(1).toList()).hasSize(3).first().asString().contains("events_2025_02");
    assertThat(parent).doesNotContain("dd".repeat(32));

    String yaml = run(config, store, "--table", "public.events_2025_01", "-o", "yaml");
    var entries = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readTree(yaml);
    assertThat(entries).hasSize(2);
    assertThat(entries.get(0).path("rows").asLong()).isEqualTo(250);
    assertThat(entries.get(0).path("manifestKey").asText()).endsWith(ROOT + "events_2025_01/run-r2/manifest.json");
    String json = run(config, store, "--table", "public.events_2025_01", "-o", "json");
    assertThat(DataConverters.objectMapper().readTree(json).get(1).path("rows").asLong()).isEqualTo(100);
  }

  private static String run(Path config, S3Store store, String... args) {
    ArchivesCommand command = new ArchivesCommand();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    command.out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    command.env = Map.of("PM_PASSWORD", "x", "ARCH_ACCESS", store.accessKey(), "ARCH_SECRET", store.secretKey());
    String[] all = new String[args.length + 6];
    System.arraycopy(new String[] {"--config", config.toString(), "--cluster", "main", "--database", "app"}, 0, all, 0, 6);
    System.arraycopy(args, 0, all, 6, args.length);
    int exit = new CommandLine(command).execute(all);
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertThat(exit).as(out).isZero();
    return out;
  }

  private static void put(S3Client s3, S3Store store, String key, ArchiveManifest m) throws Exception {
    s3.putObject(b -> b.bucket(store.bucket()).key(key), RequestBody.fromBytes(DataConverters.objectMapper()
        .writeValueAsBytes(m)));
  }

  private static ArchiveManifest manifest(String table, long rows, String hash, String at) {
    return new ArchiveManifest(1, "main", "app", "public", table, "public", "events",
        "FOR VALUES FROM ('2025-01-01') TO ('2025-02-01')", List.of(new ColumnDef("id", "bigint", true)), "RANGE (ts)",
        "CREATE TABLE ...", List.of(), "b", "k/data.csv.gz", "csv-header", "gzip", rows, rows * 10, rows * 3,
        hash.repeat(32), "ee".repeat(32), "15", "wf", "run", Instant.parse(at), "deep-verified");
  }
}
