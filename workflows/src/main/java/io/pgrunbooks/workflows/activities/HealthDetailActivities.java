package io.pgrunbooks.workflows.activities;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;

/**
 * HealthCheck's morning-page facts beyond {@link PostgresActivities#collectHealthFacts}: sessions, wraparound,
 * replication slots, WAL and its archiver, invalid and bloated indexes (per node, read on the central worker over
 * SQL), and PgBouncer's pools (once per cluster, through its admin console). Read-only.
 */
@ActivityInterface
public interface HealthDetailActivities {
  /**
   * Session, WAL, slot and archiver facts of one node; on the primary also the per-database facts (xid age, oldest
   * tables, invalid indexes, bloat). A node that cannot be reached returns facts with {@code error} set.
   */
  @ActivityMethod
  DetailFacts collectDetailFacts(HealthFactsInput input);

  /** {@code SHOW POOLS}, {@code SHOW STATS}, {@code SHOW CLIENTS}, {@code SHOW DATABASES} of the cluster's PgBouncer. */
  @ActivityMethod
  PoolFacts collectPoolFacts(PoolFactsInput input);

  /** Input of {@link #collectPoolFacts}. */
  record PoolFactsInput(String cluster) {}

  /**
   * What one node said beyond the basic health facts. Lists are capped by the activity.
   *
   * @param error why nothing could be read, else null
   * @param primary true when the node is not in recovery (only then are the per-database lists filled)
   * @param walBytes size of {@code pg_wal}; null when unknown
   * @param notes what could not be looked at, in words (e.g. hypopg missing in a database)
   */
  record DetailFacts(String node, String error, boolean primary, Sessions sessions, List<DatabaseXid> databases,
                     List<TableXid> oldestTables, List<Slot> slots, Long walBytes, Archiver archiver,
                     List<InvalidIndex> invalidIndexes, List<IndexBloat> bloat, List<String> notes) {

    public static DetailFacts failed(String node, String error) {
      return new DetailFacts(node, error, false, Sessions.none(), List.of(), List.of(), List.of(), null, null,
          List.of(), List.of(), List.of());
    }
  }

  /**
   * Client sessions: idle in transaction, the oldest open transaction, and who blocks whom.
   *
   * @param oldestIdlePid pid of the longest idle-in-transaction session; null when there is none
   * @param oldestTransactionPid pid of the oldest open transaction (any state); null when none is open
   */
  record Sessions(int idleInTransaction, Integer oldestIdlePid, long oldestIdleSeconds, Integer oldestTransactionPid,
                  long oldestTransactionSeconds, List<Blocker> blockers) {
    public static Sessions none() {
      return new Sessions(0, null, 0, null, 0, List.of());
    }
  }

  /**
   * A session other sessions wait for ({@code pg_blocking_pids}).
   *
   * @param blocks how many sessions wait for it directly
   * @param longestWaitSeconds how long the longest of them has waited
   * @param waiting true when it waits itself (it is inside a chain, not at its head)
   */
  record Blocker(int pid, String user, String database, String state, int blocks, long longestWaitSeconds,
                 boolean waiting, String query) {}

  /** {@code age(datfrozenxid)} of one database. */
  record DatabaseXid(String database, long xidAge) {}

  /** {@code age(relfrozenxid)} of one table (schema.name), the oldest first. */
  record TableXid(String database, String table, long xidAge) {}

  /**
   * A replication slot.
   *
   * @param walStatus {@code reserved}, {@code extended}, {@code unreserved} or {@code lost}
   * @param retainedBytes WAL kept for it (current LSN minus {@code restart_lsn}); null when it has none
   */
  record Slot(String name, String type, boolean active, String walStatus, Long retainedBytes) {}

  /**
   * {@code pg_stat_archiver} and {@code archive_mode}.
   *
   * @param lastArchivedSecondsAgo null when nothing was archived yet
   * @param lastFailedSecondsAgo null when nothing failed yet
   */
  record Archiver(String archiveMode, long archivedCount, String lastArchivedWal, Long lastArchivedSecondsAgo,
                  long failedCount, String lastFailedWal, Long lastFailedSecondsAgo) {}

  /** An index with {@code indisvalid = false} (schema.name). */
  record InvalidIndex(String database, String index) {}

  /** One of the largest indexes of a database with HypoPG's size of a fresh copy (-1 when not estimated). */
  record IndexBloat(String database, String index, long bytes, long freshBytes) {}

  /**
   * The cluster's PgBouncer pools.
   *
   * @param configured false when the cluster has no PgBouncer (nothing else is set)
   * @param error why the console could not be read, else null
   */
  record PoolFacts(boolean configured, String error, List<PoolState> pools) {}

  /**
   * One pool ({@code database}, {@code user}) as PgBouncer shows it.
   *
   * @param serverConnections server connections of the pool in any state
   * @param poolSize the database entry's effective {@code pool_size} ({@code SHOW DATABASES}); 0 when unknown
   * @param clients client connections {@code SHOW CLIENTS} lists for the pool
   * @param avgWaitMicros {@code SHOW STATS} average client wait of the database, in microseconds
   */
  record PoolState(String database, String user, int clientsActive, int clientsWaiting, int serverConnections,
                   int serverActive, long maxwaitSeconds, int poolSize, int clients, long avgWaitMicros) {}
}
