package io.pgrunbooks.activities.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import io.pgrunbooks.config.ConfigLoader;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.workflows.activities.Notification;
import io.temporal.failure.ApplicationFailure;
import jakarta.mail.internet.MimeMessage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every event to every channel type, against a real SMTP server (GreenMail) and a real HTTP server. */
class NotifyChannelsTest {
  static final String WF = "health-check:main";
  static final String ROUTING_KEY = "R0UT1NGK3YR0UT1NGK3YR0UT1NGK3Y00";

  Receivers http;
  GreenMail smtp;

  @BeforeEach
  void start() throws Exception {
    http = new Receivers();
    smtp = http.smtp;
  }

  @AfterEach
  void stop() {
    http.close();
  }

  RunbooksConfig config(String channels) {
    return ConfigLoader.parse("""
        temporal:
          uiUrl: https://temporal.example.com
        clusters:
          main:
            nodes:
              - {name: pg1, host: db1.internal, dataDir: /srv/pg}
          reports:
            nodes:
              - {name: pg9, host: db9.internal, dataDir: /srv/pg}
        notifications:
          approvalsPageUrl: https://runbooks.example.com/
          channels:
        """ + http.channels(channels).indent(4), Map.of(), "test");
  }

  static final String ALL_TYPES = Receivers.ALL_TYPES;

  NotifyActivitiesImpl notifier(String channels) {
    return new NotifyActivitiesImpl(config(channels), Map.of("PD_ROUTING_KEY", ROUTING_KEY));
  }

  static Notification approval(String event, String key) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("requestId", "drop-partition-1");
    fields.put("deadline", "2026-12-07T10:00:00Z");
    fields.put("howToApprove", "runbooks approve archive-partition:main:app:public.m_2024_01 --request drop-partition-1"
        + " --as <name>\nruns reject ...");
    return new Notification(event, "ArchivePartition", "archive-partition:main:app:public.m_2024_01", "run-a",
        "public.m_2024_01", "*" + event + "* drop partition public.m_2024_01", fields, null, "main", key);
  }

  static Notification findings(String severity) {
    return new Notification(Notification.FINDINGS, "HealthCheck", WF, "run-1", "main", "replica pg2 is down",
        Map.of("severity", severity), severity, "main", WF + "/run-1/findings");
  }

  static Notification failed() {
    return new Notification(Notification.FAILED, "HealthCheck", WF, "run-2", "main", "agent pg1 missing",
        Map.of("outcome", "FAILED"), null, "main", null);
  }

  static Notification healthy(String cluster) {
    return new Notification(Notification.COMPLETED, "HealthCheck", "health-check:" + cluster, "run-3", cluster, "all checks passed",
        Map.of("outcome", "COMPLETED", "summary", "healthy"), null, cluster, null);
  }

  static List<Notification> everyEvent() {
    return List.of(approval(Notification.APPROVAL_NEEDED, "k/needed"), approval(Notification.APPROVAL_REMINDER, "k/rem50"),
        approval(Notification.APPROVAL_EXPIRED, "k/expired"), failed(), findings(Notification.CRITICAL), healthy("main"));
  }

  @Test
  void everyEventReachesEveryChannelTypeOnceEvenWhenTheActivityRunsAgain() throws Exception {
    NotifyActivitiesImpl notify = notifier(ALL_TYPES);

    everyEvent().forEach(notify::notify);
    everyEvent().forEach(notify::notify); // what an activity retry does: nothing is sent twice

    List<String> chatEvents = List.of("Approval needed", "Approval reminder", "Approval expired", "Failed",
        "CRITICAL findings", "Resolved");
    assertThat(http.at("/slack")).extracting(r -> r.body().at("/blocks/0/text/text").asText().split(":")[0])
        .containsExactlyElementsOf(chatEvents);
    assertThat(http.at("/hook")).extracting(r -> r.body().get("event").asText())
        .containsExactly("approval-needed", "approval-reminder", "approval-expired", "failed", "findings", "resolved");
    MimeMessage[] mails = smtp.getReceivedMessages();
    assertThat(mails).extracting(m -> m.getSubject().replace("[pg-runbooks] ", "").split(":")[0])
        .containsExactlyElementsOf(chatEvents);
    assertThat(http.at("/pd")).extracting(r -> r.body().get("event_action").asText())
        .containsExactly("trigger", "trigger", "resolve");
  }

  @Test
  void approvalRequestLinksTheApprovalsPageAndGivesTheCliCommand() throws Exception {
    notifier(ALL_TYPES).notify(approval(Notification.APPROVAL_NEEDED, "k/needed"));

    String page = "https://runbooks.example.com/#/approvals?workflowId=archive-partition%3Amain%3Aapp%3Apublic.m_2024_01"
        + "&requestId=drop-partition-1";
    String cli = "runbooks approve archive-partition:main:app:public.m_2024_01 --request drop-partition-1 --as <name>";
    JsonNode hook = http.at("/hook").get(0).body();
    assertThat(hook.get("approvalUrl").asText()).isEqualTo(page);
    assertThat(hook.get("approveCommand").asText()).isEqualTo(cli);
    assertThat(hook.get("idempotencyKey").asText()).isEqualTo("k/needed");
    assertThat(http.at("/hook").get(0).idempotencyKey()).isEqualTo("k/needed");
    assertThat(http.at("/hook").get(0).contentType()).isEqualTo("application/json");
    assertThat(hook.get("dedupKey").asText()).isEqualTo("pg-runbooks/archive-partition:main:app:public.m_2024_01/drop-partition-1");
    assertThat(http.at("/slack").get(0).body().toString()).contains("<" + page + "|Decide on the approvals page>");
    assertThat(http.at("/slack").get(0).idempotencyKey()).isEqualTo("k/needed");
    MimeMessage mail = smtp.getReceivedMessages()[0];
    assertThat(mail.getMessageID()).isEqualTo(EmailSender.messageId("k/needed"));
    assertThat((String) mail.getContent()).contains("Decide on the approvals page: " + page, "Approve from a shell: " + cli);
    assertThat(mail.getAllRecipients()).extracting(Object::toString).containsExactly("dba@example.com");
    assertThat(http.at("/pd")).as("pagerduty's default events are failed, findings, resolved").isEmpty();
  }

  @Test
  void pagerDutyGetsEventsV2TriggerAndResolveWithThePerCheckDedupKey() {
    NotifyActivitiesImpl notify = notifier(ALL_TYPES);

    notify.notify(findings(Notification.WARNING));
    notify.notify(healthy("main"));

    List<Receivers.Request> pd = http.at("/pd");
    assertThat(pd).hasSize(2);
    JsonNode trigger = pd.get(0).body();
    assertThat(trigger.get("routing_key").asText()).isEqualTo(ROUTING_KEY);
    assertThat(trigger.get("event_action").asText()).isEqualTo("trigger");
    assertThat(trigger.get("dedup_key").asText()).isEqualTo("pg-runbooks/main/HealthCheck");
    assertThat(trigger.at("/payload/summary").asText()).isEqualTo("Warning findings: HealthCheck on main - replica pg2 is down");
    assertThat(trigger.at("/payload/severity").asText()).isEqualTo("warning");
    assertThat(trigger.at("/payload/source").asText()).isEqualTo("pg-runbooks/main");
    assertThat(trigger.at("/payload/component").asText()).isEqualTo("HealthCheck");
    assertThat(trigger.at("/links/0/href").asText()).isEqualTo("https://temporal.example.com/namespaces/default/workflows/" + WF);
    JsonNode resolve = pd.get(1).body();
    assertThat(resolve.get("event_action").asText()).isEqualTo("resolve");
    assertThat(resolve.get("dedup_key").asText()).isEqualTo("pg-runbooks/main/HealthCheck");
    assertThat(resolve.get("routing_key").asText()).isEqualTo(ROUTING_KEY);
    assertThat(resolve.has("payload")).isFalse();
  }

  @Test
  void aHealthyRunResolvesInChatOnlyAfterAProblemButAlwaysAtPagerDuty() {
    NotifyActivitiesImpl notify = notifier(ALL_TYPES);

    notify.notify(healthy("main"));

    assertThat(http.at("/slack")).isEmpty();
    assertThat(smtp.getReceivedMessages()).isEmpty();
    assertThat(http.at("/pd")).extracting(r -> r.body().get("event_action").asText()).containsExactly("resolve");
  }

  @Test
  void aRefusalIsNotRetriedAndNamesTheChannelWhileTheOtherChannelsStillGetTheEvent() {
    http.answer("/pd", 400);
    NotifyActivitiesImpl notify = notifier(ALL_TYPES);

    ApplicationFailure e = catchThrowableOfType(ApplicationFailure.class, () -> notify.notify(failed()));

    assertThat(e.isNonRetryable()).isTrue();
    assertThat(e.getType()).isEqualTo(NotifyActivitiesImpl.DELIVERY_REFUSED);
    assertThat(e.getOriginalMessage()).startsWith("channel pager (pagerduty) at 127.0.0.1 answered HTTP 400: ")
        .doesNotContain(ROUTING_KEY);
    assertThat(http.at("/slack")).hasSize(1);
    assertThat(http.at("/hook")).hasSize(1);
    assertThat(smtp.getReceivedMessages()).hasSize(1);
  }

  @Test
  void aServerErrorIsRetryableAndTheRetrySendsOnlyToTheChannelThatFailed() {
    http.answer("/hook", 503);
    NotifyActivitiesImpl notify = notifier(ALL_TYPES);

    ApplicationFailure e = catchThrowableOfType(ApplicationFailure.class, () -> notify.notify(failed()));
    notify.notify(failed());

    assertThat(e.isNonRetryable()).isFalse();
    assertThat(e.getType()).isEqualTo(NotifyActivitiesImpl.DELIVERY_FAILED);
    assertThat(e.getOriginalMessage()).startsWith("channel audit (webhook) at 127.0.0.1 answered HTTP 503");
    assertThat(http.at("/hook")).hasSize(2);
    assertThat(http.at("/hook").get(0).idempotencyKey()).isEqualTo(http.at("/hook").get(1).idempotencyKey())
        .isEqualTo(WF + "/run-2/failed");
    assertThat(http.at("/slack")).hasSize(1);
    assertThat(http.at("/pd")).hasSize(1);
    assertThat(smtp.getReceivedMessages()).hasSize(1);
  }

  @Test
  void filtersSelectByRunbookClusterSeverityAndEvent() {
    NotifyActivitiesImpl notify = notifier("""
        - {name: chat, type: slack, url: "%s", filters: {severities: [critical]}}
        - {name: audit, type: webhook, url: "%s", filters: {clusters: [reports], events: [completed, findings]}}
        - {name: mail, type: email, host: 127.0.0.1, port: %d, starttls: false, from: r@example.com, to: [a@example.com], filters: {runbooks: [ArchivePartition]}}
        - {name: pager, type: pagerduty, routingKeyEnv: PD_ROUTING_KEY, eventsUrl: "%s", filters: {severities: [critical], events: [findings, resolved]}}
        """);

    notify.notify(findings(Notification.WARNING));
    notify.notify(findings(Notification.CRITICAL));
    notify.notify(approval(Notification.APPROVAL_NEEDED, "k/needed"));
    notify.notify(healthy("reports"));
    notify.notify(healthy("main"));

    assertThat(http.at("/slack")).extracting(r -> r.body().at("/blocks/0/text/text").asText())
        .as("a resolve follows the problem the channel got, whatever its severity")
        .containsExactly("CRITICAL findings: HealthCheck on main", "Resolved: HealthCheck on main");
    assertThat(http.at("/hook")).extracting(r -> r.body().get("event").asText() + " " + r.body().get("cluster").asText())
        .containsExactly("completed reports");
    assertThat(smtp.getReceivedMessages()).hasSize(1);
    assertThat(http.at("/pd")).extracting(r -> r.body().get("event_action").asText() + " " + r.body().get("dedup_key").asText())
        .containsExactly("trigger pg-runbooks/main/HealthCheck", "resolve pg-runbooks/reports/HealthCheck",
            "resolve pg-runbooks/main/HealthCheck");
  }
}
