package io.pgrunbooks.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How one range-partitioned table is maintained: partitions created ahead, expired ones archived
 * and dropped. Expiry is decided from partition bounds in the catalog, never from names.
 *
 * @param table parent table as {@code schema.name}
 * @param interval {@code day}, {@code week} or {@code month} (default month)
 * @param naming child name pattern from {@code {parent}}, {@code {yyyy}}, {@code {mm}}, {@code {dd}},
 *     {@code {ww}} (default depends on the interval, e.g. {@code {parent}_{yyyy}_{mm}})
 * @param premake how many future partitions to keep created (default 3)
 * @param retention how long data is kept, e.g. {@code 90d}, {@code 6w}, {@code 24mo}, {@code 2y};
 *     null keeps partitions forever
 * @param minRetention compliance floor that {@code retention} (and any run) may never go below, or null
 * @param archive whether expired partitions are archived to S3 before they are dropped (default false)
 */
public record PartitionPolicyConfig(
    String table,
    String interval,
    String naming,
    int premake,
    String retention,
    String minRetention,
    boolean archive) {

  public PartitionPolicyConfig {
    interval = Copies.or(interval, "month");
    naming = Copies.or(naming, defaultNaming(interval));
  }

  /** The default naming pattern of an interval. */
  public static String defaultNaming(String interval) {
    return switch (interval) {
      case "day" -> "{parent}_{yyyy}_{mm}_{dd}";
      case "week" -> "{parent}_{yyyy}w{ww}";
      default -> "{parent}_{yyyy}_{mm}";
    };
  }

  /** The parsed retention, or null when partitions are kept forever. */
  public RetentionSpec retentionSpec() {
    return retention == null ? null : RetentionSpec.parse(retention);
  }

  /** The parsed compliance floor, or null when there is none. */
  public RetentionSpec minRetentionSpec() {
    return minRetention == null ? null : RetentionSpec.parse(minRetention);
  }

  /** The schema part of {@code table}. */
  public String schema() {
    int dot = table.indexOf('.');
    return dot < 0 ? "public" : table.substring(0, dot);
  }

  /** The table-name part of {@code table}, which {@code {parent}} stands for. */
  public String tableName() {
    return table.substring(table.indexOf('.') + 1);
  }

  @JsonCreator
  static PartitionPolicyConfig fromYaml(
      @JsonProperty("table") String table,
      @JsonProperty("interval") String interval,
      @JsonProperty("naming") String naming,
      @JsonProperty("premake") Integer premake,
      @JsonProperty("retention") String retention,
      @JsonProperty("minRetention") String minRetention,
      @JsonProperty("archive") Boolean archive) {
    return new PartitionPolicyConfig(
        table, interval, naming, Copies.or(premake, 3), retention, minRetention, Copies.or(archive, false));
  }
}
