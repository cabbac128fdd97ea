package io.pgrunbooks.workflows.activities;

/** {@code manifestKey}: the key inside the configured archive bucket (an {@code s3://bucket/key} URI is accepted). */
public record ReadManifestInput(String manifestKey) {}
