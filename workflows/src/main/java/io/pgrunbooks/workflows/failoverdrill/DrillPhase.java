package io.pgrunbooks.workflows.failoverdrill;

import io.pgrunbooks.workflows.activities.FailoverActivities.ProbeError;
import java.util.List;
import java.util.Map;

/**
 * One switchover of a drill and what it proved.
 *
 * @param name "switchover" or "switch back"
 * @param timeToPromoteMillis from the clean stop of {@code from} to the first write on {@code to}
 * @param writeUnavailableMillis as the probe saw it (see ProbeReport.unavailableMillis)
 * @param rowsExpected acknowledged sentinel and probe rows; {@code missing} those not found on the new primary
 * @param countsBefore baseline table counts before, {@code countsAfter} on the new primary after
 * @param rejoin how {@code from} came back as a replica: "pg_rewind", "ReplicaRebuild: ..." or "Patroni" (Patroni
 *     rejoined it by itself)
 * @param replicationMillis from the PAUSE until {@code from} streamed from {@code to} again
 */
public record DrillPhase(String name, String from, String to, int timeline, long timeToPromoteMillis,
                         long writeUnavailableMillis, int probeAttempts, int probeErrors, List<ProbeError> firstErrors,
                         int rowsExpected, List<String> missing, Map<String, Long> countsBefore,
                         Map<String, Long> countsAfter, String rejoin, boolean streaming, long replicationMillis) {}
