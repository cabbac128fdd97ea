package io.pgrunbooks.workflows.backup;

/** Input of {@code recordVerification}. */
public record RecordVerificationInput(String backupKey, VerificationRecord record) {}
