package io.pgrunbooks.workflows.backup;

/** A scratch database on the verification target. */
public record ScratchInput(String scratchDatabase) {}
