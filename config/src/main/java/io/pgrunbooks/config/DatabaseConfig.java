package io.pgrunbooks.config;

import java.util.List;

/**
 * Runbook settings of one database.
 *
 * @param partitions partition policies of its partitioned tables (default none)
 */
public record DatabaseConfig(List<PartitionPolicyConfig> partitions) {
  public DatabaseConfig {
    partitions = Copies.list(partitions);
  }

  /** The policy of this {@code schema.name} parent table, or null when it has none. */
  public PartitionPolicyConfig policy(String table) {
    return partitions.stream()
        .filter(p -> p != null && p.table() != null && p.table().equals(table))
        .findFirst()
        .orElse(null);
  }
}
