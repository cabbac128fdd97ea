package io.pgrunbooks.workflows.backup;

import java.time.Instant;
import java.util.List;

/**
 * {@code verification.json} beside a manifest: the outcome of the latest verification; retention
 * counts a backup as verified only when {@code passed}.
 */
public record VerificationRecord(boolean passed, String reason, Instant verifiedAt, String workflowId, String runId,
                                 double restoreSeconds, long restoredBytes, List<String> differences) {}
