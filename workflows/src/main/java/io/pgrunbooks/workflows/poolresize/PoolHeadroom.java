package io.pgrunbooks.workflows.poolresize;

import io.pgrunbooks.workflows.activities.PgBouncerPoolActivities.Pool;
import io.pgrunbooks.workflows.activities.SessionActivities.ConnectionBudget;
import java.util.ArrayList;
import java.util.List;

/**
 * How many server connections of the primary a pool may use: {@code max_connections} - superuser reserved -
 * replication ({@code max_wal_senders}) - every other PgBouncer entry pointing at that server (pool plus reserve).
 * Pure.
 *
 * @param others the other entries counted, as {@code name=pool+reserve}
 */
public record PoolHeadroom(int maxConnections, int superuserReserved, int replication, int otherPools,
                           List<String> others) {

  /** The headroom of entry {@code name} given the file's {@code pools}. */
  public static PoolHeadroom of(ConnectionBudget b, List<Pool> pools, String name) {
    int sum = 0;
    List<String> others = new ArrayList<>();
    for (Pool p : pools) {
      // An entry without host uses PgBouncer's default server: counted, since it may well be this one.
      boolean here = (p.host() == null || p.host().equals(b.primaryHost())) && p.port() == b.primaryPort();
      if (!p.name().equals(name) && here) {
        sum += p.poolSize() + p.reservePool();
        others.add(p.name() + "=" + p.poolSize() + "+" + p.reservePool());
      }
    }
    return new PoolHeadroom(b.maxConnections(), b.superuserReserved(), b.replication(), sum, List.copyOf(others));
  }

  /** Connections left for this entry's pool plus reserve. */
  public int headroom() {
    return maxConnections - superuserReserved - replication - otherPools;
  }

  /** The arithmetic, for evidence and refusals. */
  public String describe() {
    return "max_connections " + maxConnections + " - superuser_reserved_connections " + superuserReserved
        + " - max_wal_senders " + replication + " - other pools " + otherPools + " " + others + " = " + headroom();
  }

  /** Why {@code poolSize + reserve} does not fit, or null when it does. */
  public String refusal(int poolSize, int reserve) {
    return poolSize + reserve <= headroom() ? null : "pool_size " + poolSize + " + reserve_pool " + reserve + " = "
        + (poolSize + reserve) + " does not fit the primary's headroom: " + describe();
  }
}
