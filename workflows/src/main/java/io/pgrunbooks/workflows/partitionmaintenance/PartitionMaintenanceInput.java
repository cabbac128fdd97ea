package io.pgrunbooks.workflows.partitionmaintenance;

import io.pgrunbooks.workflows.common.RunbookInput;
import java.util.List;

/**
 * Input of {@code PartitionMaintenance}: {@code {"cluster": "main", "database": "app"}}.
 *
 * @param cluster configured cluster (required)
 * @param database configured database (required)
 * @param tables {@code schema.name} of configured parents to maintain; null or empty for all configured
 * @param premake how many intervals ahead to keep created instead of each policy's premake (1-120), or null
 */
public record PartitionMaintenanceInput(String cluster, String database, List<String> tables, Integer premake,
                                        boolean dryRun, String requestedBy, String reason) implements RunbookInput {

  public static PartitionMaintenanceInput of(String cluster, String database) {
    return new PartitionMaintenanceInput(cluster, database, null, null, false, null, null);
  }
}
