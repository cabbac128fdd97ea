package io.pgrunbooks.workflows.backup;

/**
 * Outcome of {@code pg_amcheck}.
 *
 * @param available false when the tool or the amcheck extension is missing (then passed is true)
 */
public record AmcheckResult(boolean available, boolean passed, String detail) {}
