package io.pgrunbooks.workflows.restoredrill;

/**
 * Input of {@link RestoreDrillActivities#drillSentinels}.
 *
 * @param runKey the drill's workflow id: its sentinel rows carry it, so a retried attempt reuses them
 * @param targetEpochMicros the requested target (microseconds since the epoch); 0 = the drill picks the moment
 *     between its own "before" and "after" sentinels
 */
public record SentinelCall(String cluster, String database, String runKey, long targetEpochMicros) {}
