package io.pgrunbooks.workflows.registry;

import java.util.stream.Collectors;

/**
 * The registry as the config module sees it ({@link Runbooks#ALL} in a file): the config checks runbook names and
 * schedules without depending on workflow code.
 */
public final class ConfigVocabulary {
  private ConfigVocabulary() {}

  /**
   * The lines the config module reads to check runbook names and schedules without depending on
   * workflow code: {@code <type>: <need>,<need>[,PARTITIONS_ONLY]}; shipped as {@link #CONFIG_RESOURCE}.
   */
  public static String configVocabulary() {
    StringBuilder s = new StringBuilder("# Generated from io.pgrunbooks.workflows.registry.Runbooks.ALL by "
        + "RunbooksConsistencyTest (-Dregenerate.runbooks=true); do not edit.\n");
    for (RunbookSpec spec : Runbooks.ALL) {
      s.append(spec.type()).append(": ")
          .append(spec.scheduleNeeds().stream().map(Enum::name).collect(Collectors.joining(",")))
          .append(spec.partitionsOnly() ? ",PARTITIONS_ONLY" : "").append('\n');
    }
    return s.toString();
  }

  /** Classpath resource the config module reads the runbook names and schedule needs from. */
  public static final String CONFIG_RESOURCE = "META-INF/pg-runbooks/runbooks.txt";
}
