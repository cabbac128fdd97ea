package io.pgrunbooks.workflows.terminatesessions;

import io.pgrunbooks.workflows.activities.SessionActivities.Session;
import io.pgrunbooks.workflows.common.RunReport;
import java.util.List;

/**
 * Result of {@code TerminateSessions}.
 *
 * @param selected the evidence: every session the run selected (and asked approval for)
 * @param cancelled pids whose cancel ended what matched: they no longer matched and were left connected
 * @param terminated pids terminated
 * @param alreadyGone pids that had ended (or whose pid belonged to another session) when the run acted
 * @param notEnded pids signalled to terminate that had not ended 5 s later
 * @param leftAlone pids that no longer matched the criteria when the first signal was to be sent: never signalled
 */
public record TerminateSessionsResult(RunReport report, List<Session> selected, List<Integer> cancelled,
                                      List<Integer> terminated, List<Integer> alreadyGone, List<Integer> notEnded,
                                      List<Integer> leftAlone) {}
