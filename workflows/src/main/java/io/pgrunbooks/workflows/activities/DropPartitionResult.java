package io.pgrunbooks.workflows.activities;

/** @param alreadyDropped true when a retry found the table gone (an earlier attempt committed) */
public record DropPartitionResult(long rowsCounted, boolean alreadyDropped) {}
