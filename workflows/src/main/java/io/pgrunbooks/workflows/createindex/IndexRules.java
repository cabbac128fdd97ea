package io.pgrunbooks.workflows.createindex;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * CreateIndex decisions without I/O: the shape of the input (before anything reaches a server), the default
 * name, disk headroom and replica lag. The server-side check (HypoPG parses the index; its deparse is what
 * runs) is in the activity; these lexical refusals keep anything that is not one expression out of it.
 */
public final class IndexRules {
  /** The index needs its own size plus sort space while it is built. */
  public static final double HEADROOM_MARGIN = 2.0;
  /** Free space that must remain after the build, on top of the margin. */
  public static final long RESERVE_BYTES = 256L * 1024 * 1024;
  /** A replica further behind than this gets the build's WAL on top: refuse until it caught up. */
  public static final long MAX_REPLICA_LAG_BYTES = 64L * 1024 * 1024;
  public static final Set<String> METHODS = Set.of("btree", "hash", "gist", "gin", "brin", "spgist");
  private static final Pattern TABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,62}\\.[A-Za-z_][A-Za-z0-9_$]{0,62}");
  private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_$]{0,62}");
  /** A plain column with its ordering: resolved through pg_attribute, never sent as typed. */
  public static final Pattern PLAIN_COLUMN = Pattern.compile(
      "\\s*([A-Za-z_][A-Za-z0-9_$]{0,62})((?:\\s+(?:ASC|DESC))?(?:\\s+NULLS\\s+(?:FIRST|LAST))?)\\s*",
      Pattern.CASE_INSENSITIVE);

  private IndexRules() {}

  /** Why the input is refused, or null. */
  public static String inputProblem(CreateIndexInput in) {
    if (blank(in.cluster()) || blank(in.database()) || blank(in.table())) {
      return "cluster, database and table are required";
    }
    if (!TABLE.matcher(in.table().strip()).matches()) {
      return "table must be schema.name, got '" + in.table() + "'";
    }
    boolean hasColumns = in.columns() != null && !in.columns().isEmpty();
    if (hasColumns == !blank(in.definition())) {
      return "give either columns or definition (exactly one)";
    }
    if (in.name() != null && !NAME.matcher(in.name().strip()).matches()) {
      return "name must be a lower-case identifier ([a-z_][a-z0-9_]*, at most 63), got '" + in.name() + "'";
    }
    if (in.method() != null && !METHODS.contains(in.method().strip().toLowerCase(Locale.ROOT))) {
      return "method must be one of " + METHODS + ", got '" + in.method() + "'";
    }
    if (hasColumns) {
      for (String c : in.columns()) {
        String p = textProblem("columns", c);
        if (p != null) {
          return p;
        }
      }
    } else if (in.uniqueIndex() || in.method() != null || in.where() != null) {
      return "with definition, put unique, method and where into the definition";
    }
    String p = in.where() == null ? null : textProblem("where", in.where());
    return p != null ? p : blank(in.definition()) ? null : textProblem("definition", in.definition());
  }

  /**
   * Refuses what cannot be one expression: statement separators, comments, dollar quotes, unbalanced quotes or
   * parentheses. PostgreSQL still parses what passes (HypoPG) and only its deparse is executed.
   */
  public static String textProblem(String field, String text) {
    if (blank(text)) {
      return field + " has an empty entry";
    }
    if (text.length() > 2000) {
      return field + " is longer than 2000 characters";
    }
    int depth = 0;
    boolean quoted = false;
    boolean ident = false;
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      char next = i + 1 < text.length() ? text.charAt(i + 1) : 0;
      if (quoted || ident) {
        if ((quoted && ch == '\'') || (ident && ch == '"')) {
          quoted = false;
          ident = false;
        }
        continue;
      }
      switch (ch) {
        case '\'' -> quoted = true;
        case '"' -> ident = true;
        case '(' -> depth++;
        case ')' -> depth--;
        case ';' -> {
          return field + " must not contain ';' (one expression only): '" + text + "'";
        }
        case '\\' -> {
          return field + " must not contain a backslash: '" + text + "'";
        }
        default -> { }
      }
      if ((ch == '-' && next == '-') || (ch == '/' && next == '*') || (ch == '*' && next == '/')) {
        return field + " must not contain comments: '" + text + "'";
      }
      if (ch == '$' && (next == '$' || Character.isLetter(next))) {
        return field + " must not contain dollar quotes: '" + text + "'";
      }
      if (depth < 0) {
        return field + " closes a parenthesis it did not open: '" + text + "'";
      }
    }
    if (quoted || ident || depth != 0) {
      return field + " has an unclosed quote or parenthesis: '" + text + "'";
    }
    return null;
  }

  /** {@code table_col1_col2_idx} from the plain columns (expressions count as "expr"), at most 63 characters. */
  public static String defaultName(String table, List<String> columns) {
    String base = table.substring(table.indexOf('.') + 1).toLowerCase(Locale.ROOT);
    StringBuilder b = new StringBuilder(base);
    for (String c : columns == null ? List.<String>of() : columns) {
      var m = PLAIN_COLUMN.matcher(c);
      b.append('_').append(m.matches() ? m.group(1).toLowerCase(Locale.ROOT) : "expr");
    }
    String name = b.toString().replaceAll("[^a-z0-9_]", "_");
    return (name.length() > 59 ? name.substring(0, 59) : name) + "_idx";
  }

  /** Why the disk cannot take the build, or null. */
  public static String headroomProblem(long estimatedBytes, long freeBytes) {
    long need = (long) (estimatedBytes * HEADROOM_MARGIN) + RESERVE_BYTES;
    return freeBytes >= need ? null : "not enough disk: " + freeBytes + " bytes free, the build needs " + need
        + " (estimated size " + estimatedBytes + " x " + HEADROOM_MARGIN + " + " + RESERVE_BYTES + " reserve)";
  }

  /** Why replica lag refuses the build, or null. */
  public static String lagProblem(long maxLagBytes) {
    return maxLagBytes <= MAX_REPLICA_LAG_BYTES ? null : "a replica is " + maxLagBytes
        + " bytes behind (limit " + MAX_REPLICA_LAG_BYTES + "): the build's WAL would add to it; retry when it caught up";
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
