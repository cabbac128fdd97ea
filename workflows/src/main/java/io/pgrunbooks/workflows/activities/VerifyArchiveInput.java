package io.pgrunbooks.workflows.activities;

/** Check the uploaded object against what the export says it wrote; {@code deep} streams it back. */
public record VerifyArchiveInput(ExportResult expected, boolean deep) {}
