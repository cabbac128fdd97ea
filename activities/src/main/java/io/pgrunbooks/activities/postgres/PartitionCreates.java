package io.pgrunbooks.activities.postgres;

import static io.pgrunbooks.activities.ActivitySupport.heartbeat;

import io.pgrunbooks.activities.Lookups;
import io.pgrunbooks.activities.postgres.PartitionCatalog.Relation;
import io.pgrunbooks.activities.postgres.PartitionCatalog.Sized;
import io.pgrunbooks.catalog.PartitionCatalogReader.Parent;
import io.pgrunbooks.config.PartitionPolicyConfig;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.CreatePartitionsInput;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.NewPartition;
import io.pgrunbooks.workflows.partitionmaintenance.PartitionSql;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The creating side of {@link PostgresPartitionActivitiesImpl}: the missing partitions of one table created in one
 * transaction under lock_timeout, the whole table retried when a lock is not granted.
 *
 * <p>No ANALYZE of the new partitions: a partition created here is empty by construction (PostgreSQL refuses the
 * CREATE when the default partition holds rows of its range), and ANALYZE of an empty table records no column
 * statistics, only {@code reltuples = 0}. Left at {@code -1} ("never analyzed"), the planner assumes at least 10
 * pages for it until autovacuum analyzes it after its first rows, which is the better guess for a partition about
 * to fill; the parent's statistics are not touched by a partition's ANALYZE either way.
 */
final class PartitionCreates {
  private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_$]{0,62}");

  private PartitionCreates() {}

  /**
   * Creates the missing partitions of one table, all in one transaction (all or none of them). One that exists
   * already with the same bounds is left alone (idempotent: a retry after a crash finds either nothing or all of
   * them); a relation of that name that is not that partition is refused.
   */
  static void create(Connection c, PartitionPolicyConfig policy, CreatePartitionsInput input,
                     List<String> created, List<String> existed) throws SQLException {
    Parent parent = PartitionCatalog.parent(c, policy.table());
    for (NewPartition p : input.partitions()) {
      if (!NAME.matcher(p.name()).matches()) {
        throw Lookups.badInput(p.name() + " is not a plain lower-case identifier; refused");
      }
    }
    if (input.partitions().isEmpty()) {
      return;
    }
    heartbeat("creating " + input.partitions().size() + " partitions of " + policy.table());
    PartitionDrops.withLockRetry(c, input.lockTimeoutMillis(), input.lockAttempts(),
        "create partitions of " + policy.table(), st -> {
          List<String> made = new ArrayList<>();
          List<String> had = new ArrayList<>();
          PartitionDrops.inTransaction(c, t -> {
            Map<String, Sized> found = PartitionCatalog.relations(c, input.partitions().stream()
                .map(p -> policy.schema() + "." + p.name()).toList());
            List<String> sql = new ArrayList<>();
            for (NewPartition p : input.partitions()) {
              Sized s = found.get(policy.schema() + "." + p.name());
              if (s == null) {
                sql.add(PartitionSql.create(policy.table(), parent.keyType(), p.name(), p.from(), p.to()));
                made.add(p.name());
              } else if (isThePartition(s.relation(), parent, p)) {
                had.add(p.name());
              } else {
                throw PostgresPartitionActivitiesImpl.refused(policy.schema() + "." + p.name() + " exists but is not"
                    + " the partition of " + policy.table() + " for [" + p.from() + ", " + p.to() + "); nothing"
                    + " created for " + policy.table());
              }
            }
            if (!sql.isEmpty()) {
              st.execute(String.join(";\n", sql));
            }
            return null;
          });
          created.addAll(made);
          existed.addAll(had);
          return null;
        });
  }

  private static boolean isThePartition(Relation r, Parent parent, NewPartition p) {
    return r.parentOid() == parent.oid() && r.bound() != null && !"DEFAULT".equals(r.bound())
        && List.of(p.from(), p.to()).equals(List.of(PartitionCatalog.bounds(r.bound())));
  }
}
