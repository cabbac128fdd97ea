package io.pgrunbooks.workflows.activities;

/**
 * A partition as the catalog named it, with its parent: what archive steps act on. Activities
 * re-resolve every name through the catalog and quote it; {@code oid} guards against a table
 * dropped and re-created under the same name between two steps.
 */
public record PartitionRef(String cluster, String database, String schema, String name, long oid,
                           String parentSchema, String parentName) {
  public String qualified() {
    return schema + "." + name;
  }

  public String parentQualified() {
    return parentSchema + "." + parentName;
  }
}
