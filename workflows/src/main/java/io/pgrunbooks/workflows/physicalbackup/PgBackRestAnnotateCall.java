package io.pgrunbooks.workflows.physicalbackup;

/**
 * Input of {@link PgBackRestActivities#pgbackrestAnnotate}: a passed restore drill marks the backup it restored.
 *
 * @param cluster the cluster whose {@code pgbackrest} section configures the call
 * @param label the backup restored ({@code --set})
 * @param proof the value of annotation {@code pg-runbooks-drill}: {@code <workflowId>/<runId>@<ISO time>}
 */
public record PgBackRestAnnotateCall(String cluster, String label, String proof) {}
