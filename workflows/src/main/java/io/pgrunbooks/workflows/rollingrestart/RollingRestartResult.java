package io.pgrunbooks.workflows.rollingrestart;

import io.pgrunbooks.workflows.common.RunReport;
import java.util.List;

/**
 * Result of {@code RollingRestart}.
 *
 * @param diff one line per node and parameter: current value → new value, and whether it needs a restart
 * @param restarted nodes restarted by this run, in order
 * @param primaryBefore the primary when the run started
 * @param primaryAfter the primary at the end (a replica after the switchover when the primary needed a restart)
 */
public record RollingRestartResult(RunReport report, List<String> diff, boolean restartNeeded, List<String> restarted,
                                   String primaryBefore, String primaryAfter) {}
