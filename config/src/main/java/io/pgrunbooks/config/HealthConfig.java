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
    int diskUnhealthyPercent) {

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
      @JsonProperty("diskUnhealthyPercent") Integer diskUnhealthyPercent) {
    HealthConfig d = defaults();
    return new HealthConfig(
        Copies.or(lagDegradedSeconds, d.lagDegradedSeconds()),
        Copies.or(lagUnhealthySeconds, d.lagUnhealthySeconds()),
        Copies.or(connectionsDegradedPercent, d.connectionsDegradedPercent()),
        Copies.or(connectionsUnhealthyPercent, d.connectionsUnhealthyPercent()),
        Copies.or(longQuerySeconds, d.longQuerySeconds()),
        Copies.or(cacheHitDegraded, d.cacheHitDegraded()),
        Copies.or(cacheHitUnhealthy, d.cacheHitUnhealthy()),
        Copies.or(diskDegradedPercent, d.diskDegradedPercent()),
        Copies.or(diskUnhealthyPercent, d.diskUnhealthyPercent()));
  }
}
