package io.pgrunbooks.workflows.restoredrill;

/** Input of {@link DrillScratchActivities#drillRemove}: the scratch instance named after the drill's workflow id. */
public record DrillRemoveCall(String cluster, String scratch) {}
