package io.pgrunbooks.activities.postgres;

import io.pgrunbooks.activities.Lookups;
import io.pgrunbooks.config.ArchiveConfig;
import io.pgrunbooks.config.DatabaseConfig;
import io.pgrunbooks.config.PartitionPolicyConfig;
import io.pgrunbooks.config.RetentionSpec;
import io.pgrunbooks.workflows.activities.ColumnDef;
import io.pgrunbooks.workflows.activities.ArchivePreflightFacts;
import io.pgrunbooks.workflows.activities.PartitionRef;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Catalog reads of the archive runbooks; names are bound as parameters, never spliced. */
final class ArchiveCatalog {
  private static final Pattern ONE_LITERAL = Pattern.compile("'((?:[^']|'')*)'");

  private ArchiveCatalog() {}

  /** A table's oid, or 0 when it does not exist. */
  static long oid(Connection c, String schema, String name) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        + " WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r', 'p')")) {
      ps.setString(1, schema);
      ps.setString(2, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }

  /** {@code [parentOid, detachPending]} of an attached partition, or null when it has no parent. */
  static Object[] parentOf(Connection c, long oid) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT inhparent, inhdetachpending FROM pg_inherits WHERE inhrelid = ?")) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? new Object[] {rs.getLong(1), rs.getBoolean(2)} : null;
      }
    }
  }

  static ArchivePreflightFacts inspect(Connection c, String primaryNode, String cluster, String database, String partition,
                                DatabaseConfig dbConfig, ArchiveConfig archive) throws SQLException {
    String[] sn = Identifiers.split(partition, "partition");
    try (Statement st = c.createStatement()) {
      st.execute("SET TimeZone = 'UTC'");
    }
    String q = "SELECT c.oid, c.relkind, c.relispartition, pg_get_expr(c.relpartbound, c.oid), c.reltuples::bigint,"
        + " p.oid, pn.nspname, p.relname, pg_get_partkeydef(p.oid)"
        + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        + " LEFT JOIN pg_inherits i ON i.inhrelid = c.oid LEFT JOIN pg_class p ON p.oid = i.inhparent"
        + " LEFT JOIN pg_namespace pn ON pn.oid = p.relnamespace WHERE n.nspname = ? AND c.relname = ?";
    long oid;
    String bound;
    long estimate;
    long parentOid;
    String parentSchema;
    String parentName;
    String partKey;
    try (PreparedStatement ps = c.prepareStatement(q)) {
      ps.setString(1, sn[0]);
      ps.setString(2, sn[1]);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw Lookups.badInput("no table " + partition + " in database " + database + " of cluster " + cluster);
        }
        oid = rs.getLong(1);
        String kind = rs.getString(2);
        if ("p".equals(kind)) {
          throw Lookups.badInput(partition + " is itself partitioned; only leaf partitions are archived");
        }
        if (!"r".equals(kind) || !rs.getBoolean(3) || rs.getString(7) == null) {
          throw Lookups.badInput(partition + " is not a partition of any table (a detached or plain table is never archived)");
        }
        bound = rs.getString(4);
        estimate = Math.max(0, rs.getLong(5));
        parentOid = rs.getLong(6);
        parentSchema = rs.getString(7);
        parentName = rs.getString(8);
        partKey = rs.getString(9);
      }
    }
    String parent = parentSchema + "." + parentName;
    PartitionPolicyConfig policy = dbConfig == null ? null : dbConfig.policy(parent);
    if (policy == null) {
      throw Lookups.badInput(partition + " is a partition of " + parent + ", which has no partition policy in the config"
          + " (clusters." + cluster + ".databases." + database + ".partitions); only partitions of configured parents are archived");
    }
    Instant now;
    String version;
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT now(), current_setting('server_version')")) {
      rs.next();
      now = rs.getTimestamp(1).toInstant();
      version = rs.getString(2);
    }
    Instant lower = null;
    Instant upper = null;
    String[] range = PartitionCatalog.rangeLiterals(bound);
    if (range != null && PartitionCatalog.KEY_TYPES.contains(keyType(c, parentOid))) {
      lower = instant(c, range[0]);
      upper = instant(c, range[1]);
    }
    RetentionSpec retention = policy.retentionSpec();
    RetentionSpec floor = policy.minRetentionSpec();
    var today = now.atZone(ZoneOffset.UTC).toLocalDate();
    List<ColumnDef> columns = columns(c, oid);
    return new ArchivePreflightFacts(new PartitionRef(cluster, database, sn[0], sn[1], oid, parentSchema, parentName), primaryNode,
        version, "DEFAULT".equals(bound), bound, lower, upper, now, policy.retention(), policy.minRetention(),
        retention == null ? null : retention.cutoff(today).atStartOfDay(ZoneOffset.UTC).toInstant(),
        floor == null ? null : floor.cutoff(today).atStartOfDay(ZoneOffset.UTC).toInstant(),
        policy.archive(), columns, partKey, parentDdl(c, parentSchema, parentName, parentOid, partKey), indexes(c, oid),
        estimate, archive.compression(), archive.bucket());
  }

  static List<ColumnDef> columns(Connection c, long oid) throws SQLException {
    List<ColumnDef> cols = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT attname, format_type(atttypid, atttypmod), attnotnull"
        + " FROM pg_attribute WHERE attrelid = ? AND attnum > 0 AND NOT attisdropped ORDER BY attnum")) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          cols.add(new ColumnDef(rs.getString(1), rs.getString(2), rs.getBoolean(3)));
        }
      }
    }
    return cols;
  }

  private static String parentDdl(Connection c, String schema, String name, long parentOid, String partKey) throws SQLException {
    StringBuilder ddl = new StringBuilder("CREATE TABLE ").append(Identifiers.quote(schema, name)).append(" (");
    List<ColumnDef> cols = columns(c, parentOid);
    for (int i = 0; i < cols.size(); i++) {
      ColumnDef col = cols.get(i);
      ddl.append(i == 0 ? "" : ", ").append(Identifiers.quote(col.name())).append(' ').append(col.type())
          .append(col.notNull() ? " NOT NULL" : "");
    }
    return ddl.append(") PARTITION BY ").append(partKey).toString();
  }

  private static List<String> indexes(Connection c, long oid) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = ? ORDER BY 1")) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }

  /** Type of a single-column partition key; null for expressions or several columns. */
  private static String keyType(Connection c, long parentOid) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT format_type(a.atttypid, NULL) FROM pg_partitioned_table pt"
        + " JOIN pg_attribute a ON a.attrelid = pt.partrelid AND a.attnum = pt.partattrs[0]"
        + " WHERE pt.partrelid = ? AND pt.partnatts = 1")) {
      ps.setLong(1, parentOid);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  /** A single quoted bound literal as an instant (session time zone UTC); null for MINVALUE/MAXVALUE. */
  private static Instant instant(Connection c, String literalList) throws SQLException {
    Matcher m = ONE_LITERAL.matcher(literalList.strip());
    if (!m.matches()) {
      return null;
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT ?::timestamptz")) {
      ps.setString(1, m.group(1).replace("''", "'"));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getTimestamp(1).toInstant();
      }
    }
  }

  /** The partition's size on disk, which chooses the upload's part size (0 when unknown). */
  static long totalBytes(Connection c, long oid) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(pg_total_relation_size(CAST(CAST(? AS bigint) AS oid)), 0)")) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }
}
