package io.pgrunbooks.workflows.integritycheck;

import io.pgrunbooks.workflows.activities.IntegrityActivities.IntegrityFindings;
import io.pgrunbooks.workflows.activities.IntegrityActivities.NodeChecksums;
import io.pgrunbooks.workflows.common.RunReport;
import java.util.List;

/**
 * Result of {@code IntegrityCheck}.
 *
 * @param checksums every node's checksum failure counters
 * @param amcheck what amcheck found on the checked node; null on a dry run
 * @param findings one line per problem (corrupt relation with amcheck's message, checksum failures, unreadable
 *     node); empty when all is well
 */
public record IntegrityCheckResult(RunReport report, List<NodeChecksums> checksums, IntegrityFindings amcheck,
                                   List<String> findings) {}
