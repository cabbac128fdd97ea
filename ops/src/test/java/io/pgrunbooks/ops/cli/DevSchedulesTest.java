package io.pgrunbooks.ops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgrunbooks.config.ConfigLoader;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.ops.stack.SharedUiTemporal;
import io.pgrunbooks.ops.stack.TemporalDevServer;
import io.pgrunbooks.workflows.common.DataConverters;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleClientOptions;
import io.temporal.client.schedules.ScheduleDescription;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What {@code runbooks dev} applies: the seed cadence of ops/config/dev.yml, on the real dev server. */
class DevSchedulesTest {
  @Test
  void devConfigCadenceAppliesAndItsDrillStartsAtMidnightOnFirstSundays() {
    RunbooksConfig cfg = ConfigLoader.load(Path.of("config/dev.yml"), Map.of());
    TemporalDevServer temporal = SharedUiTemporal.get();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    DevCommand.applySchedules(cfg.schedules(), temporal.address(), temporal.namespace(), out);
    DevCommand.applySchedules(cfg.schedules(), temporal.address(), temporal.namespace(), out);

    String printed = bytes.toString(StandardCharsets.UTF_8);
    assertThat(printed)
        .contains("  schedule created   partition-maintenance-main-app  PartitionMaintenance at 0 2 1 * * UTC")
        .contains("  schedule created   health-check-main  HealthCheck at 0 6 * * * UTC")
        .contains("  schedule created   backup-main-app  Backup at 0 1 * * * UTC")
        .contains("  schedule created   backup-verification-main-app  BackupVerification at 0 4 * * * UTC")
        .contains("  schedule created   failover-drill-main  FailoverDrill at 0 0 1-7 * 0 UTC (cron 0 3 1-7 * 0 started "
            + "3h early)")
        .contains("  schedule unchanged failover-drill-main")
        .contains("  schedule created   physical-backup-main-full  PhysicalBackup at 30 0 * * 0 UTC")
        .contains("  schedule created   physical-backup-main-incr  PhysicalBackup at 30 0 * * 1-6 UTC")
        .doesNotContain("not applied");
    WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget(temporal.address()).build());
    try {
      ScheduleClient schedules = ScheduleClient.newInstance(service, ScheduleClientOptions.newBuilder()
          .setNamespace(temporal.namespace()).setDataConverter(DataConverters.jackson()).build());
      ScheduleDescription drill = schedules.getHandle("failover-drill-main").describe();
      assertThat(drill.getInfo().getNextActionTimes()).isNotEmpty().allSatisfy(t -> {
        ZonedDateTime at = t.atZone(ZoneOffset.UTC);
        assertThat(at.getDayOfWeek()).isEqualTo(DayOfWeek.SUNDAY);
        assertThat(at.getDayOfMonth()).isBetween(1, 7);
        // 00:00 plus up to the default 10 minutes of jitter.
        assertThat(at.getHour() * 60 + at.getMinute()).as(t.toString()).isBetween(0, 9);
      });
      assertThat(drill.getSchedule().getSpec().getJitter()).isEqualTo(java.time.Duration.ofMinutes(10));
      assertThat(drill.getSchedule().getPolicy().isPauseOnFailure()).isTrue();
      // Started 3 h early, the drill waits for 03:00 through its window input.
      JsonNode drillInput = ((ScheduleActionStartWorkflow) drill.getSchedule().getAction()).getArguments()
          .get(0, JsonNode.class);
      assertThat(drillInput.path("window").asText()).isEqualTo("PT3H");
      assertThat(drillInput.path("cluster").asText()).isEqualTo("main");
      for (String id : new String[] {"partition-maintenance-main-app", "health-check-main", "backup-main-app",
          "backup-verification-main-app", "failover-drill-main"}) {
        schedules.getHandle(id).delete();
      }
    } finally {
      service.shutdown();
    }
  }
}
