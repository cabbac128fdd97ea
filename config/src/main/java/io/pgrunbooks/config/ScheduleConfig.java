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
 */
public record ScheduleConfig(
    String id,
    String workflowType,
    String cron,
    Map<String, Object> input,
    String overlap,
    Duration catchupWindow,
    boolean pauseOnFailure,
    Duration startEarly) {

  public static final List<String> OVERLAP_POLICIES =
      List.of("skip", "buffer-one", "buffer-all", "cancel-other", "terminate-other", "allow-all");

  public ScheduleConfig {
    input = Copies.map(input);
    overlap = Copies.or(overlap, "skip");
    catchupWindow = catchupWindow == null ? Duration.ofHours(1) : catchupWindow;
  }

  /** When runs start: the cron's calendar moved {@link #startEarly} earlier; the config has been validated. */
  public CronCalendar calendar() {
    CronCalendar calendar = CronCalendar.parse(cron);
    return startEarly == null ? calendar : calendar.earlier(startEarly);
  }
}
