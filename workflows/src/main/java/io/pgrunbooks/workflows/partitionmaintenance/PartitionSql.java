package io.pgrunbooks.workflows.partitionmaintenance;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The exact statements PartitionMaintenance runs, rendered the same way for a dry run's plan and for
 * the activity that runs them. Pure: identifiers are always double-quoted (an embedded quote
 * doubled), literals single-quoted; nothing is concatenated raw.
 */
public final class PartitionSql {
  private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  private PartitionSql() {}

  /** {@code "schema"."name"} of a {@code schema.name} whose parts are plain identifiers. */
  public static String qualified(String schemaDotName) {
    int dot = schemaDotName.indexOf('.');
    return ident(schemaDotName.substring(0, dot)) + "." + ident(schemaDotName.substring(dot + 1));
  }

  public static String ident(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  public static String literal(String text) {
    return "'" + text.replace("'", "''") + "'";
  }

  /** A bound literal of the key's type: a date, a timestamp, or a timestamptz in UTC. */
  public static String bound(String keyType, String isoInstant) {
    Instant at = Instant.parse(isoInstant);
    return switch (keyType) {
      case "date" -> literal(DATE.format(at));
      case "timestamp without time zone" -> literal(TIMESTAMP.format(at));
      default -> literal(TIMESTAMP.format(at) + "+00");
    };
  }

  public static String create(String parent, String keyType, String name, String from, String to) {
    String schema = parent.substring(0, parent.indexOf('.'));
    return "CREATE TABLE " + ident(schema) + "." + ident(name) + " PARTITION OF " + qualified(parent)
        + " FOR VALUES FROM (" + bound(keyType, from) + ") TO (" + bound(keyType, to) + ")";
  }

  public static String drop(String partition) {
    return "DROP TABLE " + qualified(partition);
  }
}
