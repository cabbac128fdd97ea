package io.pgrunbooks.workflows.activities;

public record WriteManifestInput(String manifestKey, ArchiveManifest manifest) {}
