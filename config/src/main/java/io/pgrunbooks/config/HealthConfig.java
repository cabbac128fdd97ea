package io.pgrunbooks.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Thresholds that decide healthy / degraded / unhealthy; each one can be set on its own.
 *
 * @param lagDegradedSeconds replication lag at or above which a replica is degraded (1)
 * @param lagUnhealthySeconds lag above which it is unhealthy (5)
 * @param connectionsDegradedPercent share of max_connections in use that degrades a node (80)
 * @param connectionsUnhealthyPercent share that makes it unhealthy (90)
 * @param longQuerySeconds a query running longer than this is reported and degrades the node (300)
 * @param cacheHitDegraded buffer cache hit ratio below which a node is degraded (0.95)
 * @param cacheHitUnhealthy ratio below which it is unhealthy (0.90)
 * @param diskDegradedPercent data-dir filesystem use that degrades a node (85)
 * @param diskUnhealthyPercent use that makes it unhealthy (90)
 * @param detail the morning-page thresholds (sessions, wraparound, slots, WAL, archiver, pools), set flat in the
 *     same section
 */
public record HealthConfig(
    double lagDegradedSeconds,
    double lagUnhealthySeconds,
    int connectionsDegradedPercent,
    int connectionsUnhealthyPercent,
    long longQuerySeconds,
    double cacheHitDegraded,
    double cacheHitUnhealthy,
    int diskDegradedPercent,
    int diskUnhealthyPercent,
    HealthDetailConfig detail) {

  /** The basic thresholds with the default morning-page ones. */
  public HealthConfig(double lagDegradedSeconds, double lagUnhealthySeconds, int connectionsDegradedPercent,
                      int connectionsUnhealthyPercent, long longQuerySeconds, double cacheHitDegraded,
                      double cacheHitUnhealthy, int diskDegradedPercent, int diskUnhealthyPercent) {
    this(lagDegradedSeconds, lagUnhealthySeconds, connectionsDegradedPercent, connectionsUnhealthyPercent,
        longQuerySeconds, cacheHitDegraded, cacheHitUnhealthy, diskDegradedPercent, diskUnhealthyPercent,
        HealthDetailConfig.defaults());
  }

  public static HealthConfig defaults() {
    return new HealthConfig(1, 5, 80, 90, 300, 0.95, 0.90, 85, 90);
  }

  // Boxed so that a section setting one threshold keeps the defaults of the others.
  @JsonCreator
  static HealthConfig fromYaml(
      @JsonProperty("lagDegradedSeconds") Double lagDegradedSeconds,
      @JsonProperty("lagUnhealthySeconds") Double lagUnhealthySeconds,
      @JsonProperty("connectionsDegradedPercent") Integer connectionsDegradedPercent,
      @JsonProperty("connectionsUnhealthyPercent") Integer connectionsUnhealthyPercent,
      @JsonProperty("longQuerySeconds") Long longQuerySeconds,
      @JsonProperty("cacheHitDegraded") Double cacheHitDegraded,
      @JsonProperty("cacheHitUnhealthy") Double cacheHitUnhealthy,
      @JsonProperty("diskDegradedPercent") Integer diskDegradedPercent,
      @JsonProperty("diskUnhealthyPercent") Integer diskUnhealthyPercent,
      @JsonProperty("idleInTransactionDegradedSeconds") Long idleDegraded,
      @JsonProperty("idleInTransactionUnhealthySeconds") Long idleUnhealthy,
      @JsonProperty("blockingDegradedSeconds") Long blockingDegraded,
      @JsonProperty("blockingUnhealthySeconds") Long blockingUnhealthy,
      @JsonProperty("transactionAgeDegradedSeconds") Long xactDegraded,
      @JsonProperty("transactionAgeUnhealthySeconds") Long xactUnhealthy,
      @JsonProperty("xidAgeDegraded") Long xidDegraded,
      @JsonProperty("xidAgeUnhealthy") Long xidUnhealthy,
      @JsonProperty("slotRetainedDegradedMb") Long slotDegraded,
      @JsonProperty("slotRetainedUnhealthyMb") Long slotUnhealthy,
      @JsonProperty("walDegradedPercent") Integer walDegraded,
      @JsonProperty("walUnhealthyPercent") Integer walUnhealthy,
      @JsonProperty("archiveFailingSeconds") Long archiveFailing,
      @JsonProperty("poolWaitingDegraded") Integer waitingDegraded,
      @JsonProperty("poolWaitingUnhealthy") Integer waitingUnhealthy,
      @JsonProperty("poolMaxwaitDegradedSeconds") Long maxwaitDegraded,
      @JsonProperty("poolMaxwaitUnhealthySeconds") Long maxwaitUnhealthy,
      @JsonProperty("bloatTopN") Integer bloatTopN) {
    HealthConfig d = defaults();
    HealthDetailConfig x = HealthDetailConfig.defaults();
    HealthDetailConfig detail = new HealthDetailConfig(
        Copies.or(idleDegraded, x.idleInTransactionDegradedSeconds()),
        Copies.or(idleUnhealthy, x.idleInTransactionUnhealthySeconds()),
        Copies.or(blockingDegraded, x.blockingDegradedSeconds()),
        Copies.or(blockingUnhealthy, x.blockingUnhealthySeconds()),
        Copies.or(xactDegraded, x.transactionAgeDegradedSeconds()),
        Copies.or(xactUnhealthy, x.transactionAgeUnhealthySeconds()),
        Copies.or(xidDegraded, x.xidAgeDegraded()),
        Copies.or(xidUnhealthy, x.xidAgeUnhealthy()),
        Copies.or(slotDegraded, x.slotRetainedDegradedMb()),
        Copies.or(slotUnhealthy, x.slotRetainedUnhealthyMb()),
        Copies.or(walDegraded, x.walDegradedPercent()),
        Copies.or(walUnhealthy, x.walUnhealthyPercent()),
        Copies.or(archiveFailing, x.archiveFailingSeconds()),
        Copies.or(waitingDegraded, x.poolWaitingDegraded()),
        Copies.or(waitingUnhealthy, x.poolWaitingUnhealthy()),
        Copies.or(maxwaitDegraded, x.poolMaxwaitDegradedSeconds()),
        Copies.or(maxwaitUnhealthy, x.poolMaxwaitUnhealthySeconds()),
        Copies.or(bloatTopN, x.bloatTopN()));
    return new HealthConfig(
        Copies.or(lagDegradedSeconds, d.lagDegradedSeconds()),
        Copies.or(lagUnhealthySeconds, d.lagUnhealthySeconds()),
        Copies.or(connectionsDegradedPercent, d.connectionsDegradedPercent()),
        Copies.or(connectionsUnhealthyPercent, d.connectionsUnhealthyPercent()),
        Copies.or(longQuerySeconds, d.longQuerySeconds()),
        Copies.or(cacheHitDegraded, d.cacheHitDegraded()),
        Copies.or(cacheHitUnhealthy, d.cacheHitUnhealthy()),
        Copies.or(diskDegradedPercent, d.diskDegradedPercent()),
        Copies.or(diskUnhealthyPercent, d.diskUnhealthyPercent()),
        detail);
  }
}
