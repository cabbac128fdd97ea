package io.pgrunbooks.workflows.rollingrestart;

import io.pgrunbooks.workflows.common.RunbookInput;
import java.util.Map;

/**
 * Input of {@code RollingRestart}:
 * {@code {"cluster": "main", "parameters": {"max_connections": "200"}, "reason": "more app servers"}}.
 *
 * @param cluster configured cluster name (required)
 * @param parameters server parameter name → new value (required, at least one); only {@code postmaster}
 *     (restart) and {@code sighup} (reload) parameters
 */
public record RollingRestartInput(String cluster, Map<String, String> parameters, boolean dryRun, String requestedBy,
                                  String reason) implements RunbookInput {}
