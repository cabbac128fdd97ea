package io.pgrunbooks.workflows.activities;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;

/**
 * What a cluster's PgBouncer says about its pools right now, read on the central worker through the admin console
 * ({@code SHOW POOLS}, {@code SHOW DATABASES}); PoolExhausted's diagnosis. Read-only.
 */
@ActivityInterface
public interface PgBouncerStatsActivities {
  /**
   * One line per {@code [databases]} entry PgBouncer knows (the admin database excluded), the users' pools of an
   * entry added up.
   *
   * @throws io.temporal.failure.ApplicationFailure BadInput for an unknown cluster, Config when it has no PgBouncer
   */
  @ActivityMethod(name = "BouncerPoolStats")
  List<PoolStats> bouncerPoolStats(String cluster);

  /**
   * One entry's clients and server connections.
   *
   * @param name the {@code [databases]} entry
   * @param database the PostgreSQL database it connects to ({@code SHOW DATABASES}), where its sessions are
   * @param poolSize its effective {@code pool_size}
   * @param clientsActive {@code cl_active}: clients linked to a server connection or idle with none needed
   * @param clientsWaiting {@code cl_waiting}: clients that sent a query and wait for a server connection
   * @param serversActive {@code sv_active}: server connections linked to a client
   * @param serversIdle {@code sv_idle}: server connections ready to use
   * @param serversUsed {@code sv_used}, {@code sv_tested} and {@code sv_login} added: server connections on their way
   * @param maxWaitMillis {@code maxwait} (+ {@code maxwait_us}): how long the oldest waiting client has waited
   */
  record PoolStats(String name, String database, int poolSize, int clientsActive, int clientsWaiting,
                   int serversActive, int serversIdle, int serversUsed, long maxWaitMillis) {

    /** One line for evidence and reports. */
    public String describe() {
      return "'" + name + "' (database " + database + ", pool_size " + poolSize + "): clients active " + clientsActive
          + ", waiting " + clientsWaiting + " (longest " + maxWaitMillis + " ms); server connections active "
          + serversActive + ", idle " + serversIdle + ", used/tested/login " + serversUsed;
    }
  }
}
