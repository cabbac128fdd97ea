package io.pgrunbooks.workflows.backup;

import java.util.List;

/** Input of {@code deleteBackups}: backup folder keys, each under the cluster's and database's folder. */
public record DeleteBackupsInput(String cluster, String database, List<String> backupKeys) {}
