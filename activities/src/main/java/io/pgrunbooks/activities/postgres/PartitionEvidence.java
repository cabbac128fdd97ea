package io.pgrunbooks.activities.postgres;

import static io.pgrunbooks.activities.ActivitySupport.heartbeat;

import io.pgrunbooks.activities.postgres.PartitionCatalog.Sized;
import io.pgrunbooks.catalog.PartitionCatalogReader.Parent;
import io.pgrunbooks.config.PartitionPolicyConfig;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.PartitionCount;
import io.pgrunbooks.workflows.partitionmaintenance.PartitionSql;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The approval evidence of a drop batch for one table: exact rows, total size and the canonical CSV SHA-256 of each
 * named partition, which the dropping transaction re-checks under its lock (content, not just count). One catalog
 * query for all the table's partitions and one transaction (canonical settings applied once), then one COPY per
 * partition: a partition's CSV is its own hash, so the COPYs cannot be merged. Reads only; safe to retry.
 */
final class PartitionEvidence {
  private PartitionEvidence() {}

  /** The evidence of {@code partitions} (those gone meanwhile are left out); refused for a non-partition. */
  static List<PartitionCount> of(Connection c, PartitionPolicyConfig policy, List<String> partitions)
      throws SQLException {
    List<PartitionCount> counts = new ArrayList<>();
    Parent parent = PartitionCatalog.parent(c, policy.table());
    return PartitionDrops.inTransaction(c, st -> {
      Map<String, Sized> found = PartitionCatalog.relations(c, partitions);
      ContentHash.canonicalSettings(c);
      for (String name : partitions) {
        Sized r = found.get(name);
        if (r == null) {
          continue;
        }
        PartitionDrops.requirePartitionOf(r.relation(), parent, name);
        heartbeat("counting " + name);
        String[] b = PartitionCatalog.bounds(r.relation().bound());
        ContentHash.Result content = ContentHash.ofCanonical(c, PartitionSql.qualified(name));
        counts.add(new PartitionCount(name, b[0], b[1], content.rows(), r.totalBytes(), content.sha256()));
      }
      return counts;
    });
  }
}
