package io.pgrunbooks.workflows.restoredrill;

/** Input of {@link RestoreDrillActivities#drillCheck}: the scratch instance and what the sentinels step saw. */
public record DrillCheckCall(String cluster, String database, String host, int port, SentinelFacts sentinels) {}
