package io.pgrunbooks.api.workers;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@SuppressWarnings("unchecked")
class WorkerPresenceTest {
  private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");

  @Test
  void aQueueWithAFreshPollerIsPolledAndHasNoMessage() {
    Map<String, Object> s = WorkerPresence.status(List.of(new WorkerPresence.Queue("pg-runbooks",
        List.of(NOW.minusSeconds(61), NOW.minusSeconds(400)))), NOW);
    assertThat(s.get("polling")).isEqualTo(true);
    assertThat(s.get("message")).isNull();
    assertThat((List<Object>) s.get("taskQueues")).containsExactly((Object) Map.of("name", "pg-runbooks", "pollers", 1,
        "lastPollAt", "2026-12-06T11:58:59Z"));
  }

  @Test
  void noPollerOrOnlyStaleOnesMeansNobodyPollsAndTheMessageSaysHowToStartAWorker() {
    Map<String, Object> none = WorkerPresence.status(List.of(new WorkerPresence.Queue("pg-runbooks", List.of())), NOW);
    assertThat(none.get("polling")).isEqualTo(false);
    assertThat((String) none.get("message")).isEqualTo("no worker is polling pg-runbooks (none in the last 2 minutes): "
        + "pending approvals cannot be shown or decided until one runs; start one with java -jar "
        + "pg-runbooks-worker.jar worker --config <your config> (or runbooks dev for the local stack)");
    Map<String, Object> stale = WorkerPresence.status(List.of(
        new WorkerPresence.Queue("pg-runbooks", List.of(NOW.minusSeconds(121))),
        new WorkerPresence.Queue("other", List.of(NOW))), NOW);
    assertThat(stale.get("polling")).isEqualTo(false);
    assertThat((String) stale.get("message")).startsWith("no worker is polling pg-runbooks (none");
    assertThat(((List<Map<String, Object>>) stale.get("taskQueues")).get(0))
        .containsEntry("pollers", 0).containsEntry("lastPollAt", "2026-12-06T11:57:59Z");
  }
}
