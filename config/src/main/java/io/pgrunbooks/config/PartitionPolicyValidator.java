package io.pgrunbooks.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Checks the partition policies of one database. */
final class PartitionPolicyValidator {
  // Lower case only: an unquoted upper-case name folds to lower case in PostgreSQL, so it would name another table.
  private static final Pattern TABLE = Pattern.compile("([a-z_][a-z0-9_$]{0,62})\\.([a-z_][a-z0-9_$]{0,62})");
  private static final Pattern TOKEN = Pattern.compile("\\{([^{}]*)}");
  private static final List<String> TOKENS = List.of("parent", "yyyy", "mm", "dd", "ww");
  private static final Map<String, List<String>> NEEDED =
      Map.of(
          "month", List.of("parent", "yyyy", "mm"),
          "day", List.of("parent", "yyyy", "mm", "dd"),
          "week", List.of("parent", "yyyy", "ww"));
  private static final Map<String, String> ADJECTIVE = Map.of("month", "monthly", "day", "daily", "week", "weekly");

  private PartitionPolicyValidator() {}

  static void validate(List<PartitionPolicyConfig> policies, String path, ArchiveConfig archive, Problems p) {
    Map<String, Integer> tables = new HashMap<>();
    for (int i = 0; i < policies.size(); i++) {
      String pp = Problems.index(path, i);
      PartitionPolicyConfig policy = policies.get(i);
      if (policy == null) {
        p.add(pp, "must be a mapping with table and retention");
        continue;
      }
      boolean tableOk = table(policy, pp + ".table", p);
      if (tableOk) {
        Integer first = tables.putIfAbsent(policy.table(), i);
        if (first != null) {
          p.add(pp + ".table", policy.table() + " is configured twice (also partitions[" + first + "])");
        }
      }
      if (!NEEDED.containsKey(policy.interval())) {
        p.add(pp + ".interval", "\"" + policy.interval() + "\" must be day, week or month");
      } else {
        naming(policy, tableOk, pp + ".naming", p);
      }
      if (policy.premake() < 1 || policy.premake() > 120) {
        p.add(pp + ".premake", "must be 1-120, got " + policy.premake());
      }
      retention(policy, pp, p);
      if (policy.archive() && policy.retention() == null) {
        p.add(pp + ".archive", "true needs a retention (partitions are archived when they expire)");
      }
      if (policy.archive() && !archive.configured()) {
        p.add(pp + ".archive", "true needs archive.bucket to be set");
      }
    }
  }

  private static boolean table(PartitionPolicyConfig policy, String path, Problems p) {
    if (!Checks.required(p, path, policy.table())) {
      return false;
    }
    if (!TABLE.matcher(policy.table()).matches()) {
      p.add(path, "\"" + policy.table() + "\" must be schema.name of plain lower-case identifiers, e.g. public.events");
      return false;
    }
    return true;
  }

  private static void naming(PartitionPolicyConfig policy, boolean tableOk, String path, Problems p) {
    String naming = policy.naming();
    Set<String> used = new LinkedHashSet<>();
    Matcher m = TOKEN.matcher(naming);
    while (m.find()) {
      if (!TOKENS.contains(m.group(1))) {
        p.add(path, "unknown token {" + m.group(1) + "} in \"" + naming + "\" (known: {parent}, {yyyy}, {mm}, {dd}, {ww})");
        return;
      }
      used.add(m.group(1));
    }
    if (!TOKEN.matcher(naming).replaceAll("").matches("[a-z0-9_]*")) {
      p.add(path, "\"" + naming + "\" may only add lower-case letters, digits and _ around its tokens");
      return;
    }
    List<String> needed = NEEDED.get(policy.interval());
    List<String> missing = new ArrayList<>(needed);
    missing.removeAll(used);
    if (!missing.isEmpty()) {
      p.add(path, "\"" + naming + "\" lacks " + braced(missing) + ": " + ADJECTIVE.get(policy.interval())
          + " partition names need " + braced(needed));
      return;
    }
    if (tableOk) {
      int length = naming.replace("{parent}", policy.tableName()).replace("{yyyy}", "0000")
          .replaceAll("\\{(mm|dd|ww)}", "00").length();
      if (length > 63) {
        p.add(path, "would make names of " + length + " characters; PostgreSQL cuts identifiers at 63");
      }
    }
  }

  private static String braced(List<String> tokens) {
    return String.join(", ", tokens.stream().map(t -> "{" + t + "}").toList());
  }

  private static void retention(PartitionPolicyConfig policy, String path, Problems p) {
    RetentionSpec retention = parse(policy.retention(), path + ".retention", p);
    RetentionSpec floor = parse(policy.minRetention(), path + ".minRetention", p);
    if (retention != null && floor != null && retention.isBelow(floor)) {
      p.add(path + ".retention", policy.retention() + " is below the compliance floor minRetention " + policy.minRetention());
    }
  }

  private static RetentionSpec parse(String text, String path, Problems p) {
    if (text == null) {
      return null;
    }
    try {
      return RetentionSpec.parse(text);
    } catch (IllegalArgumentException e) {
      p.add(path, e.getMessage());
      return null;
    }
  }
}
