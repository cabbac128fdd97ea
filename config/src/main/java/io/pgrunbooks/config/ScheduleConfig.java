package io.pgrunbooks.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A Temporal Schedule that starts a runbook on a cron.
 *
 * @param id schedule id, unique in the file
 * @param workflowType one of {@link RunbookKinds#names()}
 * @param cron five-field cron expression, evaluated in UTC; day-of-month and day-of-week are ANDed as in
 *     Temporal ({@code 0 3 1-7 * 0} is the first Sunday), see {@link CronCalendar}
 * @param input the workflow input (JSON object), e.g. {@code {cluster: main, database: app}}
 * @param overlap what to do when the previous run is still going: one of {@link #OVERLAP_POLICIES} (default skip)
 * @param catchupWindow how late a missed run may still start (default 1h)
 * @param pauseOnFailure pause the schedule after a failed run
 * @param startEarly how long before the cron time the run starts (e.g. to collect approvals in time), or null;
 *     refused when the moved times cannot be written as one calendar (see {@link CronCalendar#earlier})
 * @param jitter each run starts up to this much after its time, at a random offset Temporal derives from
 *     the schedule and the time (default {@link #DEFAULT_JITTER}; 0 starts on the minute): a fleet of
 *     clusters on the same cron does not start every backup at 01:00:00. Shorter than the shortest gap
 *     between two runs.
 */
public record ScheduleConfig(
    String id,
    String workflowType,
    String cron,
    Map<String, Object> input,
    String overlap,
    Duration catchupWindow,
    boolean pauseOnFailure,
    Duration startEarly,
    Duration jitter) {

  /** Jitter of a schedule that does not set one: spreads a fleet's runs over ten minutes. */
  public static final Duration DEFAULT_JITTER = Duration.ofMinutes(10);

  public static final List<String> OVERLAP_POLICIES =
      List.of("skip", "buffer-one", "buffer-all", "cancel-other", "terminate-other", "allow-all");

  public ScheduleConfig {
    input = Copies.map(input);
    overlap = Copies.or(overlap, "skip");
    catchupWindow = catchupWindow == null ? Duration.ofHours(1) : catchupWindow;
    jitter = jitter == null ? DEFAULT_JITTER : jitter;
  }

  /** When runs start: the cron's calendar moved {@link #startEarly} earlier; the config has been validated. */
  public CronCalendar calendar() {
    CronCalendar calendar = CronCalendar.parse(cron);
    return startEarly == null ? calendar : calendar.earlier(startEarly);
  }
}
