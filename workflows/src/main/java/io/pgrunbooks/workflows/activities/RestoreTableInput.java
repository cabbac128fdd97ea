package io.pgrunbooks.workflows.activities;

/** Create {@code targetSchema.targetTable} from the manifest's columns and load the archive into it. */
public record RestoreTableInput(String cluster, String database, String manifestKey, ArchiveManifest manifest,
                                String targetSchema, String targetTable, String runId) {}
