package io.pgrunbooks.activities.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.config.ChannelConfig;
import io.pgrunbooks.config.NotificationFilter;
import io.pgrunbooks.workflows.activities.Notification;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoutingTest {
  private static ChannelConfig channel(String type, NotificationFilter filters) {
    return new ChannelConfig("c", type, null, null, null, null, null, null, null, null, null, null, null, filters);
  }

  private static NotificationFilter filter(List<String> runbooks, List<String> clusters, List<String> severities,
                                           List<String> events) {
    return new NotificationFilter(runbooks, clusters, severities, events);
  }

  @Test
  void severityOfEachEvent() {
    assertThat(Routing.severity(NotifyChannelsTest.findings(Notification.CRITICAL))).isEqualTo("critical");
    assertThat(Routing.severity(NotifyChannelsTest.failed())).isEqualTo("error");
    assertThat(Routing.severity(NotifyChannelsTest.approval(Notification.APPROVAL_EXPIRED, "k"))).isEqualTo("warning");
    assertThat(Routing.severity(NotifyChannelsTest.approval(Notification.APPROVAL_NEEDED, "k"))).isEqualTo("info");
  }

  @Test
  void problemsOfACheckShareOneKeyPerClusterAndApprovalsOnePerRequest() {
    assertThat(Routing.dedupKey(NotifyChannelsTest.failed())).isEqualTo("pg-runbooks/main/HealthCheck");
    assertThat(Routing.dedupKey(NotifyChannelsTest.findings(Notification.WARNING))).isEqualTo("pg-runbooks/main/HealthCheck");
    Notification resolved = Routing.resolved(NotifyChannelsTest.healthy("main"));
    assertThat(Routing.dedupKey(resolved)).isEqualTo("pg-runbooks/main/HealthCheck");
    assertThat(resolved.key()).isEqualTo("health-check:main/run-3/completed/resolved");
    assertThat(Routing.dedupKey(NotifyChannelsTest.approval(Notification.APPROVAL_REMINDER, "k")))
        .isEqualTo("pg-runbooks/archive-partition:main:app:public.m_2024_01/drop-partition-1");
  }

  @Test
  void onlyACompletedOutcomeResolves() {
    assertThat(Routing.resolves(NotifyChannelsTest.healthy("main"))).isTrue();
    assertThat(Routing.resolves(new Notification(Notification.COMPLETED, "ArchivePartition", "w", "r", "t", "x",
        Map.of("outcome", "REJECTED")))).isFalse();
    assertThat(Routing.resolves(NotifyChannelsTest.failed())).isFalse();
  }

  @Test
  void everyGivenFilterMustMatchAndResolvedIgnoresSeverity() {
    Notification warning = NotifyChannelsTest.findings(Notification.WARNING);
    assertThat(Routing.matches(channel("slack", filter(null, null, null, null)), warning, "warning")).isTrue();
    assertThat(Routing.matches(channel("slack", filter(List.of("HealthCheck"), List.of("main"), List.of("warning"),
        List.of("findings"))), warning, "warning")).isTrue();
    assertThat(Routing.matches(channel("slack", filter(List.of("Failover"), null, null, null)), warning, "warning")).isFalse();
    assertThat(Routing.matches(channel("slack", filter(null, List.of("reports"), null, null)), warning, "warning")).isFalse();
    assertThat(Routing.matches(channel("slack", filter(null, null, List.of("critical"), null)), warning, "warning")).isFalse();
    assertThat(Routing.matches(channel("slack", filter(null, null, null, List.of("failed"))), warning, "warning")).isFalse();
    Notification resolved = Routing.resolved(NotifyChannelsTest.healthy("main"));
    assertThat(Routing.matches(channel("pagerduty", filter(null, null, List.of("critical"), null)), resolved, "info")).isTrue();
  }

  @Test
  void defaultEventsDependOnTheChannelType() {
    Notification needed = NotifyChannelsTest.approval(Notification.APPROVAL_NEEDED, "k");
    Notification completed = NotifyChannelsTest.healthy("main");
    assertThat(Routing.matches(channel("email", filter(null, null, null, null)), needed, "info")).isTrue();
    assertThat(Routing.matches(channel("email", filter(null, null, null, null)), completed, "info")).isFalse();
    assertThat(Routing.matches(channel("pagerduty", filter(null, null, null, null)), needed, "info")).isFalse();
  }

  @Test
  void approvalEventsCarryThePageLinkAndTheCliCommand() {
    Notification needed = NotifyChannelsTest.approval(Notification.APPROVAL_NEEDED, "k");
    assertThat(Routing.approvalUrl("https://rb.example.com", needed)).isEqualTo("https://rb.example.com/#/approvals"
        + "?workflowId=archive-partition%3Amain%3Aapp%3Apublic.m_2024_01&requestId=drop-partition-1");
    assertThat(Routing.approvalUrl(null, needed)).isNull();
    assertThat(Routing.approvalUrl("https://rb.example.com", NotifyChannelsTest.failed())).isNull();
    assertThat(Routing.approveCommand(needed))
        .isEqualTo("runbooks approve archive-partition:main:app:public.m_2024_01 --request drop-partition-1 --as <name>");
    assertThat(Routing.approveCommand(NotifyChannelsTest.failed())).isNull();
  }
}
