package io.pgrunbooks.api.workers;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether a worker polls the task queues the inbox depends on, decided from the pollers Temporal reports.
 * Without a worker on the central queue no run answers its {@code progress} query or the {@code decide}
 * update: the inbox would look empty while approvals wait, so it says so instead.
 */
public final class WorkerPresence {
  /**
   * A poller counts while its last poll is this recent. An idle worker polls again when its long poll
   * expires (about a minute); Temporal keeps a stopped worker's poller listed for a few minutes, which this
   * cut-off ignores after two.
   */
  public static final Duration FRESH = Duration.ofMinutes(2);

  /** The command the message suggests. */
  static final String START = "java -jar pg-runbooks-worker.jar worker --config <your config> (or runbooks dev for "
      + "the local stack)";

  private WorkerPresence() {}

  /** One task queue and the last poll times of its workflow pollers. */
  public record Queue(String name, List<Instant> lastPolls) {}

  /**
   * {@code {polling, taskQueues: [{name, pollers, lastPollAt}], message}}: polling when every queue has a fresh
   * poller; message names the queues nobody polls and how to start a worker (null when all are polled).
   */
  public static Map<String, Object> status(List<Queue> queues, Instant now) {
    List<Map<String, Object>> rows = new ArrayList<>();
    List<String> idle = new ArrayList<>();
    for (Queue q : queues) {
      List<Instant> fresh = q.lastPolls().stream().filter(t -> !t.isBefore(now.minus(FRESH))).toList();
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("name", q.name());
      row.put("pollers", fresh.size());
      row.put("lastPollAt", q.lastPolls().stream().max(Instant::compareTo).map(Instant::toString).orElse(null));
      rows.add(row);
      if (fresh.isEmpty()) {
        idle.add(q.name());
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("polling", idle.isEmpty());
    out.put("taskQueues", rows);
    out.put("message", idle.isEmpty() ? null : "no worker is polling " + String.join(", ", idle)
        + " (none in the last " + FRESH.toMinutes() + " minutes): pending approvals cannot be shown or decided until "
        + "one runs; start one with " + START);
    return out;
  }
}
