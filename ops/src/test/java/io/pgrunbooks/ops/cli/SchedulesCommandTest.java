package io.pgrunbooks.ops.cli;

import static io.pgrunbooks.ops.cli.ScheduleTestConfigs.entry;
import static io.pgrunbooks.ops.cli.ScheduleTestConfigs.seedSchedules;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgrunbooks.ops.stack.SharedUiTemporal;
import io.pgrunbooks.ops.stack.TemporalDevServer;
import io.pgrunbooks.workflows.common.DataConverters;
import io.pgrunbooks.workflows.common.SearchAttributes;
import io.temporal.api.enums.v1.ScheduleOverlapPolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowExecutionMetadata;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleClientOptions;
import io.temporal.client.schedules.ScheduleDescription;
import io.temporal.client.schedules.ScheduleOptions;
import io.temporal.client.schedules.ScheduleSpec;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code runbooks schedules apply / list} against the real Temporal dev server. The server is shared
 * with other test classes, so each test uses its own id prefix and counts only what it created
 * (a {@code --prune} here may also delete schedules other tests left behind, which is what it is for).
 */
class SchedulesCommandTest {
  private static TemporalDevServer temporal;
  private static WorkflowServiceStubs service;
  private static ScheduleClient schedules;
  private static WorkflowClient client;

  record Run(int code, String out, String err) {
    String all() {
      return out + err;
    }
  }

  @BeforeAll
  static void connect() {
    temporal = SharedUiTemporal.get();
    service = WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget(temporal.address()).build());
    schedules = ScheduleClient.newInstance(service, ScheduleClientOptions.newBuilder()
        .setNamespace(temporal.namespace()).setDataConverter(DataConverters.jackson()).build());
    client = WorkflowClient.newInstance(service, WorkflowClientOptions.newBuilder()
        .setNamespace(temporal.namespace()).setDataConverter(DataConverters.jackson()).build());
  }

  @AfterAll
  static void disconnect() {
    service.shutdown();
  }

  @Test
  void applyCreatesReapplyChangesNothingChangedSpecIsUpdatedAndOnlyPruneDeletes() {
    String p = "t" + UUID.randomUUID().toString().substring(0, 6) + "-";
    Path config = ScheduleTestConfigs.write(seedSchedules(p));

    Run first = cli("schedules", "apply", "--config", config.toString());
    assertThat(first.code()).as(first.all()).isZero();
    assertThat(first.out())
        .contains("created   " + p + "health-check-main  HealthCheck at 0 6 * * * UTC")
        .contains("created   " + p + "failover-drill-main  FailoverDrill at 0 0 1-7 * 0 UTC (cron 0 3 1-7 * 0 "
            + "started 3h early)")
        .contains("3 created, 0 updated, 0 unchanged, 0 deleted");
    ScheduleDescription backup = schedules.getHandle(p + "backup-main-app").describe();
    ScheduleActionStartWorkflow action = (ScheduleActionStartWorkflow) backup.getSchedule().getAction();
    assertThat(action.getWorkflowType()).isEqualTo("Backup");
    assertThat(action.getOptions().getWorkflowId()).isEqualTo("backup:main:app");
    assertThat(action.getOptions().getTaskQueue()).isEqualTo("pg-runbooks");
    assertThat(action.getArguments().get(0, JsonNode.class).toString())
        .isEqualTo("{\"cluster\":\"main\",\"database\":\"app\"}");
    assertThat(backup.getSchedule().getPolicy().getOverlap())
        .isEqualTo(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP);
    assertThat(backup.getSchedule().getPolicy().getCatchupWindow()).isEqualTo(Duration.ofHours(1));
    ScheduleDescription drill = schedules.getHandle(p + "failover-drill-main").describe();
    assertThat(drill.getSchedule().getPolicy().isPauseOnFailure()).isTrue();
    assertThat(drill.getInfo().getNextActionTimes()).hasSizeGreaterThanOrEqualTo(3).allSatisfy(t -> {
      ZonedDateTime at = t.atZone(ZoneOffset.UTC);
      assertThat(at.getDayOfWeek()).as(t.toString()).isEqualTo(DayOfWeek.SUNDAY);
      assertThat(at.getDayOfMonth()).as(t.toString()).isBetween(1, 7);
      // 00:00 plus the default jitter of up to 10 minutes.
      assertThat(at.getHour() * 60 + at.getMinute()).as(t.toString()).isBetween(0, 9);
    });

    Instant updatedAt = drill.getInfo().getLastUpdatedAt();
    Run again = cli("schedules", "apply", "--config", config.toString());
    assertThat(again.code()).as(again.all()).isZero();
    assertThat(again.out()).contains("unchanged " + p + "failover-drill-main")
        .contains("0 created, 0 updated, 3 unchanged, 0 deleted");
    assertThat(schedules.getHandle(p + "failover-drill-main").describe().getInfo().getLastUpdatedAt())
        .isEqualTo(updatedAt);

    // An operator paused the backup; then the config moves it to 02:00 and drops the health check.
    schedules.getHandle(p + "backup-main-app").pause("disk swap tonight");
    awaitListed(p + "health-check-main");
    Path changed = ScheduleTestConfigs.write(
        entry(p + "backup-main-app", "Backup", "0 2 * * *", "{cluster: main, database: app}", "")
            + entry(p + "failover-drill-main", "FailoverDrill", "0 3 1-7 * 0", "{cluster: main}",
                "startEarly: 3h\n    pauseOnFailure: true\n"));
    Run update = cli("schedules", "apply", "--config", changed.toString());
    assertThat(update.code()).as(update.all()).isZero();
    assertThat(update.out())
        .contains("updated   " + p + "backup-main-app: spec: 0 1 * * * -> 0 2 * * *")
        .contains("not in config (use --prune to delete): " + p + "health-check-main")
        .contains("0 created, 1 updated, 1 unchanged, 0 deleted, ");
    ScheduleDescription moved = schedules.getHandle(p + "backup-main-app").describe();
    assertThat(ScheduleCalendars.of(moved.getSchedule().getSpec()).toCron()).isEqualTo("0 2 * * *");
    assertThat(moved.getSchedule().getState().isPaused()).as("pause kept").isTrue();
    assertThat(moved.getInfo().getNextActionTimes().get(0).atZone(ZoneOffset.UTC).getHour()).isEqualTo(2);
    assertThat(ScheduleSync.describeOrNull(schedules.getHandle(p + "health-check-main"))).isNotNull();

    Run prune = cli("schedules", "apply", "--config", changed.toString(), "--prune");
    assertThat(prune.code()).as(prune.all()).isZero();
    assertThat(prune.out()).contains("deleted   " + p + "health-check-main (not in config)")
        .contains("0 created, 0 updated, 2 unchanged, ");
    assertThat(ScheduleSync.describeOrNull(schedules.getHandle(p + "health-check-main"))).isNull();
  }

  @Test
  void pruneNeverDeletesSchedulesOthersCreatedAndApplyRefusesToTakeOneOver() {
    String p = "f" + UUID.randomUUID().toString().substring(0, 6) + "-";
    Schedule foreign = Schedule.newBuilder()
        .setAction(ScheduleActionStartWorkflow.newBuilder().setWorkflowType("SomeoneElses")
            .setOptions(io.temporal.client.WorkflowOptions.newBuilder().setWorkflowId("theirs").setTaskQueue("theirs")
                .build()).build())
        .setSpec(ScheduleSpec.newBuilder().setCronExpressions(List.of("0 5 * * *")).build())
        .build();
    schedules.createSchedule(p + "theirs", foreign, ScheduleOptions.newBuilder().build());
    schedules.createSchedule(p + "health-check-main", foreign, ScheduleOptions.newBuilder().build());
    Path config = ScheduleTestConfigs.write(
        entry(p + "health-check-main", "HealthCheck", "0 6 * * *", "{cluster: main}", ""));
    awaitListed(p + "theirs");

    Run r = cli("schedules", "apply", "--config", config.toString(), "--prune");

    assertThat(r.code()).as(r.all()).isEqualTo(1);
    assertThat(r.out()).contains("not ours  " + p + "health-check-main: a schedule with this id exists but was not "
        + "created by runbooks").doesNotContain("deleted   " + p + "theirs");
    assertThat(ScheduleSync.describeOrNull(schedules.getHandle(p + "theirs"))).isNotNull();
    ScheduleActionStartWorkflow kept = (ScheduleActionStartWorkflow)
        schedules.getHandle(p + "health-check-main").describe().getSchedule().getAction();
    assertThat(kept.getWorkflowType()).isEqualTo("SomeoneElses");

    Run all = cli("schedules", "list", "--all");
    assertThat(all.out()).contains(p + "theirs (not from config)").contains("0 5 * * *")
        .contains("SomeoneElses");
  }

  @Test
  void theConfigsTemporalSectionSaysWhereTheSchedulesGoUnlessAFlagSaysOtherwise() {
    String p = "c" + UUID.randomUUID().toString().substring(0, 6) + "-";
    Path config = ScheduleTestConfigs.write("temporal:\n  target: " + temporal.address() + "\n  namespace: "
        + temporal.namespace() + "\n", entry(p + "health-check-main", "HealthCheck", "0 6 * * *", "{cluster: main}", ""));

    Run wrongFlag = rawCli("schedules", "apply", "--config", config.toString(), "--address", "127.0.0.1:1",
        "--connect-timeout", "1");
    assertThat(wrongFlag.code()).as(wrongFlag.all()).isEqualTo(3);
    assertThat(ScheduleSync.describeOrNull(schedules.getHandle(p + "health-check-main"))).isNull();

    Run fromConfig = rawCli("schedules", "apply", "--config", config.toString());
    assertThat(fromConfig.code()).as(fromConfig.all()).isZero();
    assertThat(fromConfig.out()).startsWith("schedules of " + config + " on " + temporal.address() + ", namespace "
        + temporal.namespace() + ":").contains("created   " + p + "health-check-main");
    assertThat(ScheduleSync.describeOrNull(schedules.getHandle(p + "health-check-main"))).isNotNull();
    schedules.getHandle(p + "health-check-main").delete();
  }

  @Test
  void listShowsNextRunsAndATriggeredRunStartsWithTheContractIdTimestampAndSearchAttributes() {
    String p = "l" + UUID.randomUUID().toString().substring(0, 6) + "-";
    String cluster = "main";
    Path config = ScheduleTestConfigs.write(
        entry(p + "health-check", "HealthCheck", "30 6 * * 1-5", "{cluster: " + cluster + "}", "jitter: 0s\n"));
    assertThat(cli("schedules", "apply", "--config", config.toString()).code()).isZero();
    schedules.getHandle(p + "health-check").trigger();
    String query = "TemporalScheduledById = '" + p + "health-check'";
    WorkflowExecutionMetadata run = awaitRun(query);

    assertThat(run.getExecution().getWorkflowId()).startsWith("health-check:" + cluster + "-");
    assertThat(run.getTypedSearchAttributes().get(SearchAttributes.TYPE)).isEqualTo("HealthCheck");
    assertThat(run.getTypedSearchAttributes().get(SearchAttributes.STATE)).isEqualTo("RUNNING");
    assertThat(run.getTypedSearchAttributes().get(SearchAttributes.DRY_RUN)).isFalse();
    var described = client.newUntypedWorkflowStub(run.getExecution().getWorkflowId()).describe();
    assertThat(described.getStaticSummary()).isEqualTo("HealthCheck of " + cluster);
    assertThat(described.getStaticDetails()).isEqualTo("Started by schedule `" + p + "health-check` (`runbooks "
        + "schedules apply`): cron `30 6 * * 1-5` UTC.");
    awaitListed(p + "health-check");
    Run list = cli("schedules", "list");
    client.newUntypedWorkflowStub(run.getExecution().getWorkflowId()).terminate("test over");

    assertThat(list.code()).as(list.all()).isZero();
    String line = list.out().lines().filter(l -> l.startsWith(p + "health-check")).findFirst().orElseThrow();
    assertThat(line).contains("HealthCheck").contains("30 6 * * 1-5").contains("active")
        .contains("RUNNING health-check:" + cluster + "-");
    ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
    List<String> expected = new ArrayList<>();
    for (int d = 0; expected.size() < 3; d++) {
      ZonedDateTime at = now.plusDays(d).withHour(6).withMinute(30).withSecond(0).withNano(0);
      if (at.isAfter(now) && at.getDayOfWeek().getValue() <= 5) {
        expected.add(at.toLocalDate() + " 06:30");
      }
    }
    assertThat(line).contains(String.join(", ", expected));
  }

  @Test
  void jitterSpreadsTheRunsOfAFleetAndChangingItIsAnUpdate() {
    String p = "j" + UUID.randomUUID().toString().substring(0, 6) + "-";
    // Three clusters' backups on the same cron: the default jitter (10m) and an explicit one.
    Path config = ScheduleTestConfigs.write(
        entry(p + "backup-a", "Backup", "0 1 * * *", "{cluster: main, database: a}", "")
            + entry(p + "backup-b", "Backup", "0 1 * * *", "{cluster: main, database: b}", "")
            + entry(p + "backup-c", "Backup", "0 1 * * *", "{cluster: main, database: c}", "jitter: 45m\n"));

    Run first = cli("schedules", "apply", "--config", config.toString());
    assertThat(first.code()).as(first.all()).isZero();
    assertThat(first.out()).contains("created   " + p + "backup-a  Backup at 0 1 * * * UTC, each run up to 10m later "
        + "(jitter)").contains("created   " + p + "backup-c  Backup at 0 1 * * * UTC, each run up to 45m later (jitter)");

    List<Instant> firstRuns = new ArrayList<>();
    for (String id : List.of("backup-a", "backup-b", "backup-c")) {
      ScheduleDescription d = schedules.getHandle(p + id).describe();
      Duration jitter = id.equals("backup-c") ? Duration.ofMinutes(45) : Duration.ofMinutes(10);
      assertThat(d.getSchedule().getSpec().getJitter()).as(id).isEqualTo(jitter);
      assertThat(d.getInfo().getNextActionTimes()).as(id).isNotEmpty().allSatisfy(t -> {
        Duration afterOne = Duration.between(t.atZone(ZoneOffset.UTC).withHour(1).withMinute(0).withSecond(0)
            .withNano(0).toInstant(), t);
        assertThat(afterOne).as(id + " " + t).isGreaterThanOrEqualTo(Duration.ZERO).isLessThan(jitter);
      });
      firstRuns.add(d.getInfo().getNextActionTimes().get(0));
    }
    // Temporal derives each offset from the schedule: the same cron does not start them at the same second.
    assertThat(firstRuns).as("first runs of the three schedules").doesNotHaveDuplicates();

    Path unjittered = ScheduleTestConfigs.write(
        entry(p + "backup-a", "Backup", "0 1 * * *", "{cluster: main, database: a}", "jitter: 0s\n"));
    Run update = cli("schedules", "apply", "--config", unjittered.toString());
    assertThat(update.code()).as(update.all()).isZero();
    assertThat(update.out()).contains("updated   " + p + "backup-a: jitter: 10m -> 0s");
    ScheduleDescription onTime = schedules.getHandle(p + "backup-a").describe();
    assertThat(onTime.getInfo().getNextActionTimes()).isNotEmpty().allSatisfy(t -> {
      ZonedDateTime at = t.atZone(ZoneOffset.UTC);
      assertThat(List.of(at.getHour(), at.getMinute(), at.getSecond())).as(t.toString()).containsExactly(1, 0, 0);
    });
    Run again = cli("schedules", "apply", "--config", unjittered.toString());
    assertThat(again.out()).contains("unchanged " + p + "backup-a");
    for (String id : List.of("backup-a", "backup-b", "backup-c")) {
      schedules.getHandle(p + id).delete();
    }
  }

  @Test
  void applyRefusesABadConfigBeforeConnecting() {
    Path config = ScheduleTestConfigs.write(
        entry("x", "FailoverDrill", "0 3 1-7 * 0", "{cluster: main}", "startEarly: 6h\n"));

    Run r = rawCli("schedules", "apply", "--config", config.toString(), "--address", "127.0.0.1:1");

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("schedules[0].startEarly: starting 6h early moves 03:00 on day-of-month 1-7 into "
        + "the previous month").doesNotContain("did not answer");

    Path early = ScheduleTestConfigs.write(
        entry("b", "Backup", "0 1 * * *", "{cluster: main, database: app}", "startEarly: 1h\n"));
    Run backup = rawCli("schedules", "apply", "--config", early.toString(), "--address", "127.0.0.1:1");
    assertThat(backup.code()).isEqualTo(2);
    assertThat(backup.err()).contains("schedules[0] (b).startEarly: Backup has no window input to wait for");

    Path typo = ScheduleTestConfigs.write(entry("h", "HealthCheck", "0 6 * * *", "{cluster: main, dryrun: true}", ""));
    Run unknown = rawCli("schedules", "apply", "--config", typo.toString(), "--address", "127.0.0.1:1");
    assertThat(unknown.code()).isEqualTo(2);
    assertThat(unknown.err()).contains("schedules[0] (h).input: unknown input field \"dryrun\" for HealthCheck; "
        + "did you mean \"dryRun\"?");
  }

  private static WorkflowExecutionMetadata awaitRun(String query) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      List<WorkflowExecutionMetadata> found = client.listExecutions(query).toList();
      if (!found.isEmpty() || System.nanoTime() > deadline) {
        assertThat(found).as(query).hasSize(1);
        return found.get(0);
      }
      sleep();
    }
  }

  /** Schedule listing goes through Temporal's visibility store, which lags creation a little. */
  private static void awaitListed(String id) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (schedules.listSchedules().noneMatch(d -> d.getScheduleId().equals(id))) {
      assertThat(System.nanoTime()).as("schedule " + id + " listed within 20 s").isLessThan(deadline);
      sleep();
    }
  }

  private static void sleep() {
    try {
      Thread.sleep(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Run cli(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--address", temporal.address()));
    return rawCli(all.toArray(String[]::new));
  }

  private static Run rawCli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = new CommandLine(new RunbooksCli());
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int code = cmd.execute(args);
    return new Run(code, out.toString(), err.toString());
  }
}
