package io.pgrunbooks.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The runbook names and what a schedule of each must name, as the config checks them. The list is
 * declared once, in the workflows module's {@code Runbooks.ALL}; config must not depend on workflow
 * code (DESIGN.md section 2), so it reads the plain-text copy that the workflows jar ships as {@value
 * #RESOURCE} (generated from {@code Runbooks.ALL} and held equal to it by {@code
 * RunbooksConsistencyTest}). Every process that loads a config has the workflows jar on its class path.
 *
 * @param scheduleNeeds for each runbook name, in contract order: what a schedule's input must name
 *     (CLUSTER, DATABASE or PARTITIONED_DATABASE), and PARTITIONS_ONLY for the runbooks that act only on
 *     partitions of configured parents
 */
public record RunbookKinds(Map<String, Set<String>> scheduleNeeds) {
  public static final String RESOURCE = "META-INF/pg-runbooks/runbooks.txt";

  private static volatile RunbookKinds onClassPath;

  public RunbookKinds {
    scheduleNeeds = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(scheduleNeeds));
  }

  /** The runbook names, in contract order. */
  public List<String> names() {
    return List.copyOf(scheduleNeeds.keySet());
  }

  /** Whether a schedule of this runbook must name something the config can check ({@code DATABASE}, ...). */
  public boolean scheduleNeeds(String runbook, String need) {
    return scheduleNeeds.getOrDefault(runbook, Set.of()).contains(need);
  }

  /**
   * Whether the runbook's input names one database (its schedules and pre-approvals must name it
   * too): its spec's schedule needs include DATABASE or PARTITIONED_DATABASE.
   */
  public boolean actsOnOneDatabase(String runbook) {
    return scheduleNeeds(runbook, "DATABASE") || scheduleNeeds(runbook, "PARTITIONED_DATABASE");
  }

  /** Whether the runbook acts only on partitions of configured parents (so its database must be configured). */
  public boolean actsOnlyOnPartitions(String runbook) {
    return scheduleNeeds(runbook, "PARTITIONS_ONLY");
  }

  /** The list shipped by the workflows jar; fails with the reason when it is not on the class path. */
  public static RunbookKinds fromClassPath() {
    RunbookKinds kinds = onClassPath;
    if (kinds == null) {
      kinds = read(Thread.currentThread().getContextClassLoader() != null
          ? Thread.currentThread().getContextClassLoader() : RunbookKinds.class.getClassLoader());
      onClassPath = kinds;
    }
    return kinds;
  }

  static RunbookKinds read(ClassLoader loader) {
    try (InputStream in = loader.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("no runbook list on the class path (" + RESOURCE + ", shipped by the "
            + "pg-runbooks workflows jar): cannot check runbook names in the config");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + RESOURCE + ": " + e.getMessage(), e);
    }
  }

  /** Parses lines {@code Type: NEED,NEED}; {@code #} starts a comment. */
  static RunbookKinds parse(String text) {
    Map<String, Set<String>> needs = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      int colon = l.indexOf(':');
      List<String> list = new ArrayList<>();
      for (String n : l.substring(colon + 1).split(",")) {
        if (!n.isBlank()) {
          list.add(n.strip());
        }
      }
      needs.put(l.substring(0, colon).strip(), Set.copyOf(list));
    }
    return new RunbookKinds(needs);
  }
}
