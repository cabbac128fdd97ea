package io.pgrunbooks.activities.pgbouncer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and rewrites {@code pool_size}/{@code reserve_pool} of one {@code [databases]} entry of a pgbouncer.ini,
 * pure text in and out: every other byte of the file (comments, other entries, other sections, line endings) stays.
 */
final class PoolEntries {
  private static final Pattern ENTRY = Pattern.compile("^(\\s*)([^;#=\\s][^=]*?)(\\s*=\\s*)(.*?)(\r?)$");
  /** PgBouncer's own defaults when the file does not say. */
  static final int DEFAULT_POOL_SIZE = 20;

  private PoolEntries() {}

  /**
   * One entry of {@code [databases]}.
   *
   * @param poolSize its {@code pool_size}, else the file's {@code default_pool_size}, else 20
   * @param reservePool its {@code reserve_pool}, else the file's {@code reserve_pool_size}, else 0
   * @param explicitPoolSize whether the entry itself sets {@code pool_size}
   */
  record Entry(String name, String host, int port, int poolSize, int reservePool, boolean explicitPoolSize) {}

  /** The entries of {@code [databases]} in file order. */
  static Map<String, Entry> entries(String ini) {
    int defaultPool = DEFAULT_POOL_SIZE;
    int defaultReserve = 0;
    Map<String, Map<String, String>> raw = new LinkedHashMap<>();
    String section = "";
    for (String line : ini.split("\n", -1)) {
      String t = line.strip();
      if (t.startsWith("[")) {
        section = t.toLowerCase();
        continue;
      }
      Matcher m = ENTRY.matcher(line);
      if (!m.matches()) {
        continue;
      }
      if (section.equals("[databases]")) {
        raw.put(m.group(2).strip(), settings(m.group(4)));
      } else if (section.equals("[pgbouncer]")) {
        String key = m.group(2).strip();
        if (key.equals("default_pool_size")) {
          defaultPool = Integer.parseInt(m.group(4).strip());
        } else if (key.equals("reserve_pool_size")) {
          defaultReserve = Integer.parseInt(m.group(4).strip());
        }
      }
    }
    Map<String, Entry> out = new LinkedHashMap<>();
    for (var e : raw.entrySet()) {
      Map<String, String> s = e.getValue();
      out.put(e.getKey(), new Entry(e.getKey(), s.get("host"), Integer.parseInt(s.getOrDefault("port", "5432")),
          s.containsKey("pool_size") ? Integer.parseInt(s.get("pool_size")) : defaultPool,
          s.containsKey("reserve_pool") ? Integer.parseInt(s.get("reserve_pool")) : defaultReserve,
          s.containsKey("pool_size")));
    }
    return out;
  }

  /**
   * The file with entry {@code name}'s {@code pool_size} (and {@code reserve_pool} when not null) set, in place when
   * present, appended to the entry otherwise; nothing else changes.
   *
   * @throws IllegalArgumentException when {@code [databases]} has no entry {@code name}
   */
  static String withPoolSize(String ini, String name, int poolSize, Integer reservePool) {
    String[] lines = ini.split("\n", -1);
    String section = "";
    for (int i = 0; i < lines.length; i++) {
      String t = lines[i].strip();
      if (t.startsWith("[")) {
        section = t.toLowerCase();
        continue;
      }
      Matcher m = ENTRY.matcher(lines[i]);
      if (section.equals("[databases]") && m.matches() && m.group(2).strip().equals(name)) {
        String value = set(m.group(4), "pool_size", Integer.toString(poolSize));
        if (reservePool != null) {
          value = set(value, "reserve_pool", Integer.toString(reservePool));
        }
        lines[i] = m.group(1) + m.group(2) + m.group(3) + value + m.group(5);
        return String.join("\n", lines);
      }
    }
    throw new IllegalArgumentException("no entry '" + name + "' in the [databases] section");
  }

  private static Map<String, String> settings(String connstr) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String kv : connstr.strip().split("\\s+")) {
      int eq = kv.indexOf('=');
      if (eq > 0) {
        out.put(kv.substring(0, eq), kv.substring(eq + 1));
      }
    }
    return out;
  }

  private static String set(String connstr, String key, String value) {
    List<String> parts = new ArrayList<>();
    boolean found = false;
    for (String kv : connstr.strip().split("\\s+")) {
      if (kv.startsWith(key + "=")) {
        parts.add(key + "=" + value);
        found = true;
      } else if (!kv.isEmpty()) {
        parts.add(kv);
      }
    }
    if (!found) {
      parts.add(key + "=" + value);
    }
    return String.join(" ", parts);
  }
}
