package io.pgrunbooks.workflows.activities;

/** Input of {@link PostgresActivities#collectHealthFacts}. */
public record HealthFactsInput(String cluster, String node) {}
