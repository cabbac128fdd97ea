package io.pgrunbooks.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NotificationsConfigTest {
  private static final String CLUSTER = """
      clusters:
        main:
          nodes:
            - {name: pg1, host: db1.internal, dataDir: /srv/pg}
      notifications:
      """;

  private static RunbooksConfig parse(String notifications) {
    return ConfigLoader.parse(CLUSTER + notifications.indent(2), Map.of(), "test.yml");
  }

  @Test
  void channelsOfEveryTypeWithFiltersAndDefaults() {
    RunbooksConfig c = parse("""
        approvalsPageUrl: https://runbooks.example.com
        reminders: [0.25, 0.75]
        channels:
          - {name: dba, type: slack, urlEnv: SLACK_URL, filters: {clusters: [main], severities: [critical, warning]}}
          - {name: audit, type: webhook, url: "https://hooks.example.com/in"}
          - name: oncall-mail
            type: email
            host: smtp.example.com
            from: runbooks@example.com
            to: [dba@example.com]
            username: runbooks
            passwordEnv: SMTP_PASSWORD
          - {name: pager, type: pagerduty, routingKeyEnv: PD_KEY, filters: {runbooks: [HealthCheck]}}
        """);
    NotificationsConfig n = c.notifications();
    assertThat(n.reminders()).containsExactly(0.25, 0.75);
    assertThat(n.approvalsPageUrl()).isEqualTo("https://runbooks.example.com");
    assertThat(n.allChannels()).extracting(ChannelConfig::name).containsExactly("dba", "audit", "oncall-mail", "pager");
    ChannelConfig mail = n.channels().get(2);
    assertThat(mail.port()).isEqualTo(587);
    assertThat(mail.starttls()).isTrue();
    ChannelConfig pager = n.channels().get(3);
    assertThat(pager.eventsUrl()).isEqualTo("https://events.pagerduty.com/v2/enqueue");
    assertThat(pager.defaultEvents()).containsExactly("failed", "findings", "resolved");
    assertThat(n.channels().get(0).filters().severities()).containsExactly("critical", "warning");
    assertThat(ConfigLoader.secretProblems(c, Map.of("SLACK_URL", "https://hooks.slack.com/x")))
        .contains("notifications.channels[2].passwordEnv: environment variable SMTP_PASSWORD of channel oncall-mail is not set",
            "notifications.channels[3].routingKeyEnv: environment variable PD_KEY of channel pager is not set");
  }

  @Test
  void exampleConfigNamesItsChannelsSecretsByVariable() {
    RunbooksConfig c = ConfigLoader.load(java.nio.file.Path.of("../ops/config/example.yml"),
        Map.of("RUNBOOKS_PG_PASSWORD", "x", "PGBOUNCER_ADMIN_PASSWORD", "x"));
    assertThat(c.notifications().allChannels()).extracting(ChannelConfig::name).containsExactly("dba-chat", "oncall");
    assertThat(ConfigLoader.secretProblems(c, Map.of())).contains(
        "notifications.channels[0].urlEnv: environment variable RUNBOOKS_WEBHOOK_URL of channel dba-chat is not set",
        "notifications.channels[1].routingKeyEnv: environment variable PAGERDUTY_ROUTING_KEY of channel oncall is not set");
  }

  @Test
  void olderSingleWebhookKeysBecomeOneSlackChannel() {
    NotificationsConfig n = parse("""
        webhookUrlEnv: RUNBOOKS_WEBHOOK_URL
        events: [failed]
        channels:
          - {name: pager, type: pagerduty, routingKeyEnv: PD_KEY}
        """).notifications();

    assertThat(n.allChannels()).extracting(ChannelConfig::name, ChannelConfig::type)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("slack", "slack"),
            org.assertj.core.groups.Tuple.tuple("pager", "pagerduty"));
    assertThat(n.allChannels().get(0).urlEnv()).isEqualTo("RUNBOOKS_WEBHOOK_URL");
    assertThat(n.allChannels().get(0).filters().events()).containsExactly("failed");
    assertThat(NotificationsConfig.defaults().allChannels()).isEmpty();
  }

  @Test
  void everyChannelMistakeIsNamedAtOnce() {
    List<String> errors = ConfigErrorsTest.errors(CLUSTER + """
        webhookUrl: https://hooks.slack.com/x
        reminders: [0.5, 1.5]
        channels:
          - {name: slack, type: slack}
          - {name: mail, type: email, host: smtp.example.com, to: [nobody], username: u, url: "https://x.example.com"}
          - {name: pd, type: pagerduty, routingKeyEnv: "PD-KEY", eventsUrl: "ftp://x"}
          - {name: x, type: sms}
          - {name: f, type: webhook, urlEnv: HOOK, filters: {events: [approval-requested], severities: [high], runbooks: [Nope], clusters: [other]}}
        """.indent(2));

    assertThat(errors).filteredOn(e -> !e.contains("filters.runbooks")).containsExactlyInAnyOrder(
        "notifications.reminders[1]: must be a fraction of the approval timeout between 0 and 1 (0.5 = halfway), got 1.5",
        "notifications.channels[0].name: \"slack\" is used by another channel (the one notifications.webhookUrl/webhookUrlEnv make)",
        "notifications.channels[0].urlEnv: is required (or url, when the URL holds no secret)",
        "notifications.channels[1].url: does not apply to a channel of type email",
        "notifications.channels[1].from: is required",
        "notifications.channels[1].to[0]: \"nobody\" is not an e-mail address (name@example.com)",
        "notifications.channels[1].passwordEnv: is required when username is set",
        "notifications.channels[2].routingKeyEnv: \"PD-KEY\" is not an environment variable name",
        "notifications.channels[2].eventsUrl: \"ftp://x\" is not an http(s) URL",
        "notifications.channels[3].type: unknown channel type \"sms\" (known: slack, webhook, email, pagerduty)",
        "notifications.channels[4].filters.events[0]: unknown event \"approval-requested\" (known: approval-needed,"
            + " approval-reminder, approval-expired, failed, completed, findings, resolved)",
        "notifications.channels[4].filters.severities[0]: unknown severity \"high\" (known: critical, error, warning, info)",
        "notifications.channels[4].filters.clusters[0]: unknown cluster \"other\" (known: main)");
    assertThat(errors.stream().filter(e -> e.startsWith("notifications.channels[4].filters.runbooks[0]: unknown runbook \"Nope\"")))
        .hasSize(1);
  }
}
