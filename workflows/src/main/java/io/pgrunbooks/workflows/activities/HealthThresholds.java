package io.pgrunbooks.workflows.activities;

/**
 * Thresholds that decide healthy / degraded / unhealthy (defaults from the seed runbooks: RB-1,
 * RB-23 and the health metrics table of the operations runbook).
 *
 * @param lagDegradedSeconds replication lag (write, flush or replay) at or above which a replica is degraded (1 s)
 * @param lagUnhealthySeconds lag above which it is unhealthy (5 s)
 * @param connectionsDegradedPercent share of max_connections in use at or above which a node is degraded (80)
 * @param connectionsUnhealthyPercent share at or above which it is unhealthy (90)
 * @param longQuerySeconds a non-idle query running longer than this is reported and degrades the node (300)
 * @param cacheHitDegraded buffer cache hit ratio below which a node is degraded (0.95)
 * @param cacheHitUnhealthy ratio below which it is unhealthy (0.90)
 * @param diskDegradedPercent data-dir filesystem use at or above which a node is degraded (85)
 * @param diskUnhealthyPercent use at or above which it is unhealthy (90)
 * @param detail the morning-page thresholds; null in runs recorded before they existed (then the defaults)
 */
public record HealthThresholds(
    double lagDegradedSeconds,
    double lagUnhealthySeconds,
    int connectionsDegradedPercent,
    int connectionsUnhealthyPercent,
    long longQuerySeconds,
    double cacheHitDegraded,
    double cacheHitUnhealthy,
    int diskDegradedPercent,
    int diskUnhealthyPercent,
    DetailThresholds detail) {

  /** The basic thresholds with the default {@link DetailThresholds}. */
  public HealthThresholds(double lagDegradedSeconds, double lagUnhealthySeconds, int connectionsDegradedPercent,
                          int connectionsUnhealthyPercent, long longQuerySeconds, double cacheHitDegraded,
                          double cacheHitUnhealthy, int diskDegradedPercent, int diskUnhealthyPercent) {
    this(lagDegradedSeconds, lagUnhealthySeconds, connectionsDegradedPercent, connectionsUnhealthyPercent,
        longQuerySeconds, cacheHitDegraded, cacheHitUnhealthy, diskDegradedPercent, diskUnhealthyPercent,
        DetailThresholds.defaults());
  }

  public static HealthThresholds defaults() {
    return new HealthThresholds(1.0, 5.0, 80, 90, 300, 0.95, 0.90, 85, 90);
  }

  /** {@link #detail}, or the defaults when absent. */
  public DetailThresholds detailOrDefaults() {
    return detail != null ? detail : DetailThresholds.defaults();
  }
}
