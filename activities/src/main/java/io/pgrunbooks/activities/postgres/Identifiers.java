package io.pgrunbooks.activities.postgres;

import io.pgrunbooks.activities.Lookups;
import java.util.regex.Pattern;

/**
 * Names typed by people are checked against a conservative shape before they are even looked up in
 * the catalog; SQL only ever contains names the catalog returned, quoted here.
 */
public final class Identifiers {
  private static final Pattern QUALIFIED = Pattern.compile("([A-Za-z_][A-Za-z0-9_$]{0,62})\\.([A-Za-z_][A-Za-z0-9_$]{0,62})");
  /** One literal, MINVALUE/MAXVALUE or number of a bound list. */
  private static final String ITEM = "(?:'(?:[^'\\\\]|'')*'|MINVALUE|MAXVALUE|-?[0-9]+(?:\\.[0-9]+)?|true|false)";
  private static final String LIST = ITEM + "(?:, " + ITEM + ")*";
  private static final Pattern BOUND = Pattern.compile(
      "FOR VALUES (?:FROM \\(" + LIST + "\\) TO \\(" + LIST + "\\)|IN \\(" + LIST + "\\)|WITH \\(modulus [0-9]+, remainder [0-9]+\\))|DEFAULT");

  private Identifiers() {}

  /** {@code [schema, name]} of a {@code schema.name}; BadInput for anything else. */
  public static String[] split(String qualified, String what) {
    var m = qualified == null ? null : QUALIFIED.matcher(qualified.strip());
    if (m == null || !m.matches()) {
      throw Lookups.badInput(what + " must be schema.name made of letters, digits and _ (e.g. public.events_2025_01), got '"
          + qualified + "'");
    }
    return new String[] {m.group(1), m.group(2)};
  }

  public static String quote(String ident) {
    return "\"" + ident.replace("\"", "\"\"") + "\"";
  }

  public static String quote(String schema, String name) {
    return quote(schema) + "." + quote(name);
  }

  /** A partition bound as {@code pg_get_expr} prints it, and nothing else (bounds also come from manifests). */
  static String bound(String spec) {
    if (spec == null || !BOUND.matcher(spec).matches()) {
      throw Lookups.badInput("not a partition bound pg-runbooks accepts: " + spec);
    }
    return spec;
  }
}
