package io.pgrunbooks.workflows.backup;

/** A backup folder key. */
public record BackupRef(String backupKey) {}
