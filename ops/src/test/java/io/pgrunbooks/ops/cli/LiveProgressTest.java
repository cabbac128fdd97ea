package io.pgrunbooks.ops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgrunbooks.workflows.common.DataConverters;
import java.util.List;
import org.junit.jupiter.api.Test;

class LiveProgressTest {
  private static final ObjectMapper JSON = DataConverters.objectMapper();

  private static JsonNode json(String s) throws Exception {
    return JSON.readTree(s);
  }

  @Test
  void showsStateStepAndTheRunningStepsPercentOnlyWhenSomethingChanged() throws Exception {
    LiveProgress live = new LiveProgress();
    JsonNode progress = json("{\"state\": \"RUNNING\", \"currentStep\": \"rebuild\", \"pendingApprovals\": []}");

    assertThat(live.next(progress, List.of(new LiveProgress.Beat("baseBackup",
        json("{\"bytes\": 10, \"totalBytes\": 100, \"percent\": 10}")))))
        .isEqualTo("RUNNING | step: rebuild | baseBackup 10%");
    assertThat(live.next(progress, List.of(new LiveProgress.Beat("baseBackup",
        json("{\"bytes\": 10, \"totalBytes\": 100, \"percent\": 10}"))))).isNull();
    assertThat(live.next(progress, List.of(new LiveProgress.Beat("baseBackup", json("{\"percent\": 55}")))))
        .isEqualTo("RUNNING | step: rebuild | baseBackup 55%");
    assertThat(live.next(progress, List.of(new LiveProgress.Beat("createPartitions", json("\"creating public.t_2026_01\"")))))
        .isEqualTo("RUNNING | step: rebuild | createPartitions (creating public.t_2026_01)");
    assertThat(live.next(null, List.of())).isNull();
  }

  @Test
  void pendingApprovalsShowWhatDeadlineAndTheCliCommand() throws Exception {
    JsonNode progress = json("""
        {"state": "AWAITING_APPROVAL", "currentStep": "approval", "pendingApprovals": [
          {"requestId": "drop-1", "action": "drop partition public.t_2025_01", "deadline": "2026-12-06T20:00:00Z",
           "howToApprove": ["temporal workflow signal ...", "runbooks approve a:b --request drop-1 --as <name>"]}]}""");
    assertThat(LiveProgress.line(progress, List.of())).isEqualTo(String.join(System.lineSeparator(),
        "AWAITING_APPROVAL | step: approval",
        "  awaiting approval drop-1: drop partition public.t_2025_01 (deadline 2026-12-06T20:00:00Z)",
        "    runbooks approve a:b --request drop-1 --as <name>"));
  }
}
