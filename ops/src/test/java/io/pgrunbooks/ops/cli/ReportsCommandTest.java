package io.pgrunbooks.ops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.ops.stack.S3Store;
import io.pgrunbooks.ops.stack.SharedStack;
import io.pgrunbooks.workflows.activities.AuditReport;
import io.pgrunbooks.workflows.activities.ReportLayout;
import io.pgrunbooks.workflows.common.RunReport;
import io.pgrunbooks.workflows.common.RunbookState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** {@code runbooks reports} against the shared stack's S3 store: filters, pages, one report in full. */
class ReportsCommandTest {
  private static final String PREFIX = "cli-reports-" + System.nanoTime();
  private static S3Store store;
  private static Path config;
  private static final List<String> ids = new ArrayList<>();

  @BeforeAll
  static void write() throws Exception {
    store = SharedStack.get().s3();
    String root = ReportLayout.root(PREFIX);
    try (S3Client s3 = S3Client.builder().endpointOverride(store.endpoint()).region(Region.of(store.region()))
        .forcePathStyle(true).credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(store.accessKey(), store.secretKey()))).build()) {
      for (String[] r : new String[][] {{"HealthCheck", "main", "2026-11-30T08:00:00Z", "h1"},
          {"HealthCheck", "main", "2026-12-01T08:00:00Z", "h2"}, {"Failover", "main", "2026-12-01T09:00:00Z", "f1"},
          {"HealthCheck", "other", "2026-12-01T10:00:00Z", "h3"}}) {
        Instant end = Instant.parse(r[2]);
        AuditReport a = new AuditReport(r[0].toLowerCase() + ":" + r[1], r[3], Map.of("cluster", r[1]),
            new RunReport(r[0], r[1], r[1], false, RunbookState.COMPLETED, "run " + r[3], List.of(), List.of(),
                List.of(), List.of(), List.of(), end.minusSeconds(9), end, 9000));
        String key = ReportLayout.key(root, a);
        ids.add(key.substring(root.length()));
        s3.putObject(b -> b.bucket(store.bucket()).key(key),
            RequestBody.fromString("{\"runId\": \"" + r[3] + "\", \"report\": {\"summary\": \"run " + r[3] + "\"}}"));
      }
    }
    config = Files.createTempFile("reports-cli", ".yml");
    Files.writeString(config, """
        clusters:
          main:
            nodes:
              - {name: pg1, host: 127.0.0.1, port: 5432, dataDir: /tmp/x}
            credentials: {user: postgres, passwordEnv: PM_PASSWORD}
        archive:
          bucket: %s
          prefix: %s
          endpoint: %s
          region: %s
          forcePathStyle: true
          accessKeyEnv: ARCH_ACCESS
          secretKeyEnv: ARCH_SECRET
        """.formatted(store.bucket(), PREFIX, store.endpoint(), store.region()));
  }

  @Test
  void listsNewestFirstWithFiltersAndPagesThenShowsOneInFull() {
    Result page1 = run("--runbook", "HealthCheck", "--cluster", "main", "--from", "2026-11-01", "--to", "2026-12-31",
        "--limit", "1");
    assertThat(page1.exit()).as(page1.out()).isZero();
    assertThat(page1.out().lines().toList()).hasSize(3);
    assertThat(page1.out()).contains("2026-12-01T08:00:00Z").contains(" h2 ".strip()).doesNotContain("Failover");
    String token = page1.out().lines().filter(l -> l.startsWith("more: --page-token")).findFirst().orElseThrow()
        .replaceAll(".*'(.*)'", "$1");

    Result page2 = run("--runbook", "HealthCheck", "--cluster", "main", "--from", "2026-11-01", "--to", "2026-12-31",
        "--limit", "1", "--page-token", token);
    assertThat(page2.out()).contains("2026-11-30T08:00:00Z").doesNotContain("more:");

    Result other = run("--cluster", "other", "--from", "2026-11-01", "--to", "2026-12-31");
    assertThat(other.out().lines().skip(1).toList()).singleElement().asString().contains("HealthCheck", "other");

    Result shown = run("--show", ids.get(2));
    assertThat(shown.exit()).isZero();
    assertThat(shown.out()).contains("\"runId\": \"f1\"");
  }

  @Test
  void unknownReportBadDatesAndBadIdsAreRefusedWithTheirExitCodes() {
    assertThat(run("--show", "2026-12-01/HealthCheck/main/000000000Z.COMPLETED.none.x.json").exit())
        .isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(run("--from", "2026-13-01").exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(run("--from", "2026-12-05", "--to", "2026-12-01").err()).contains("is after");
    assertThat(run("--show", "../etc/passwd").exit()).isEqualTo(ExitCodes.USAGE);
  }

  private record Result(int exit, String out, String err) {}

  private static Result run(String... args) {
    ReportsCommand command = new ReportsCommand();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    command.out = new PrintStream(out, true, StandardCharsets.UTF_8);
    command.err = new PrintStream(err, true, StandardCharsets.UTF_8);
    command.env = Map.of("PM_PASSWORD", "x", "ARCH_ACCESS", store.accessKey(), "ARCH_SECRET", store.secretKey());
    String[] all = new String[args.length + 2];
    all[0] = "--config";
    all[1] = config.toString();
    System.arraycopy(args, 0, all, 2, args.length);
    int exit = new CommandLine(command).execute(all);
    return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
