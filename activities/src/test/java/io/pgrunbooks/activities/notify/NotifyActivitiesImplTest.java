package io.pgrunbooks.activities.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.pgrunbooks.config.ConfigLoader;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.workflows.activities.Notification;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NotifyActivitiesImplTest {
  private static final String TOKEN_PATH = "/services/T000/B000/s3cr3tT0ken";
  private static final String WF = "archive-partition:main:app:public.agent_routing_metrics_2024_01";

  /** One request as the webhook received it. */
  record Received(String method, String path, String contentType, String body) {}

  private final List<Received> received = Collections.synchronizedList(new ArrayList<>());
  private HttpServer server;
  private volatile int status = 200;
  private volatile String answer = "ok";

  @BeforeEach
  void startWebhook() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
          exchange.getRequestHeaders().getFirst("Content-Type"),
          new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
      byte[] out = answer.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(status, out.length);
      try (OutputStream os = exchange.getResponseBody()) {
        os.write(out);
      }
    });
    server.start();
  }

  @AfterEach
  void stopWebhook() {
    server.stop(0);
  }

  private String webhookUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + TOKEN_PATH;
  }

  private static RunbooksConfig config(String notifications) {
    return ConfigLoader.parse("""
        temporal:
          namespace: ops
          uiUrl: https://temporal.example.com/
        clusters:
          main:
            nodes:
              - {name: pg1, host: db1.internal, dataDir: /srv/pg}
        notifications:
        """ + notifications.indent(2), Map.of(), "test");
  }

  private static Notification approvalNeeded() {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("Rows", "1,204,331");
    fields.put("Deadline", "2024-03-02T10:00:00Z");
    fields.put("Approve", "runbooks approve " + WF + " --as <name>");
    return new Notification("approval-needed", "ArchivePartition", WF, "run-1", "public.agent_routing_metrics_2024_01",
        "Drop partition *public.agent_routing_metrics_2024_01* after its verified archive?", fields);
  }

  @Test
  void postsSlackCompatibleJsonToTheWebhook() throws Exception {
    new NotifyActivitiesImpl(config("webhookUrl: " + webhookUrl()), Map.of()).notify(approvalNeeded());

    assertThat(received).hasSize(1);
    Received r = received.get(0);
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.path()).isEqualTo(TOKEN_PATH);
    assertThat(r.contentType()).isEqualTo("application/json");
    JsonNode body = new ObjectMapper().readTree(r.body());
    assertThat(body.get("text").asText())
        .isEqualTo("Approval needed: ArchivePartition on public.agent_routing_metrics_2024_01: Drop partition"
            + " *public.agent_routing_metrics_2024_01* after its verified archive?");
    JsonNode blocks = body.get("blocks");
    assertThat(blocks).hasSize(4);
    assertThat(blocks.get(0).get("type").asText()).isEqualTo("header");
    assertThat(blocks.get(0).get("text").get("type").asText()).isEqualTo("plain_text");
    assertThat(blocks.get(0).get("text").get("text").asText())
        .isEqualTo("Approval needed: ArchivePartition on public.agent_routing_metrics_2024_01");
    assertThat(blocks.get(1).get("type").asText()).isEqualTo("section");
    assertThat(blocks.get(1).get("text").get("type").asText()).isEqualTo("mrkdwn");
    assertThat(blocks.get(1).get("text").get("text").asText()).startsWith("Drop partition *public.");
    List<String> fields = new ArrayList<>();
    blocks.get(2).get("fields").forEach(f -> fields.add(f.get("text").asText()));
    assertThat(fields).containsExactly(
        "*Rows*\n1,204,331",
        "*Deadline*\n2024-03-02T10:00:00Z",
        "*Approve*\nrunbooks approve " + WF + " --as &lt;name&gt;");
    assertThat(blocks.get(3).get("text").get("text").asText())
        .startsWith("<https://temporal.example.com/namespaces/ops/workflows/" + WF + "|Open the run in the Temporal UI>");
  }

  @Test
  void eventNotEnabledSendsNothing() {
    new NotifyActivitiesImpl(config("webhookUrl: " + webhookUrl() + "\nevents: [failed]"), Map.of())
        .notify(approvalNeeded());

    assertThat(received).isEmpty();
  }

  @Test
  void noWebhookConfiguredSendsNothing() {
    new NotifyActivitiesImpl(config("events: [approval-needed]"), Map.of()).notify(approvalNeeded());
    new NotifyActivitiesImpl(config("webhookUrlEnv: RUNBOOKS_WEBHOOK_URL"), Map.of()).notify(approvalNeeded());

    assertThat(received).isEmpty();
  }

  @Test
  void serverErrorIsARetryableFailureWithTheStatus() {
    status = 503;
    answer = "service unavailable: " + "x".repeat(400);
    NotifyActivitiesImpl notify = new NotifyActivitiesImpl(config("webhookUrl: " + webhookUrl()), Map.of());

    ApplicationFailure e = catchThrowableOfType(ApplicationFailure.class, () -> notify.notify(approvalNeeded()));

    assertThat(e.isNonRetryable()).isFalse();
    assertThat(e.getType()).isEqualTo(NotifyActivitiesImpl.DELIVERY_FAILED);
    assertThat(e.getOriginalMessage())
        .isEqualTo("channel slack (slack) at 127.0.0.1 answered HTTP 503: " + answer.substring(0, 200))
        .doesNotContain("s3cr3tT0ken");
  }

  @Test
  void unreachableWebhookIsARetryableFailureThatHidesTheUrl() {
    String url = webhookUrl();
    server.stop(0);
    NotifyActivitiesImpl notify = new NotifyActivitiesImpl(config("webhookUrl: " + url), Map.of());

    ApplicationFailure e = catchThrowableOfType(ApplicationFailure.class, () -> notify.notify(approvalNeeded()));

    assertThat(e.isNonRetryable()).isFalse();
    assertThat(e.getOriginalMessage()).startsWith("channel slack (slack): post to 127.0.0.1 failed: ").doesNotContain("s3cr3tT0ken");
  }

  @Test
  void webhookUrlFromEnvironment() {
    RunbooksConfig config = config("webhookUrlEnv: RUNBOOKS_WEBHOOK_URL\nevents: [completed]");
    Notification completed = new Notification("completed", "HealthCheck", "health-check:main", "run-2", "main",
        "All checks passed.", Map.of());

    new NotifyActivitiesImpl(config, Map.of("RUNBOOKS_WEBHOOK_URL", webhookUrl())).notify(completed);

    assertThat(received).singleElement().satisfies(r -> {
      assertThat(r.path()).isEqualTo(TOKEN_PATH);
      assertThat(r.body()).contains("Completed: HealthCheck on main", "All checks passed.",
          "https://temporal.example.com/namespaces/ops/workflows/health-check:main|");
    });
  }

  @Test
  void runLinkEncodesWhatAPathSegmentCannotHold() {
    assertThat(SlackMessage.runUrl("http://ui:8233", "default", "restore-partition:main:app:public.x y/z"))
        .isEqualTo("http://ui:8233/namespaces/default/workflows/restore-partition:main:app:public.x%20y%2Fz");
  }
}
