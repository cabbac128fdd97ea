package io.pgrunbooks.workflows.client;

import static io.pgrunbooks.workflows.common.WorkflowTypes.ARCHIVE_PARTITION;
import static io.pgrunbooks.workflows.common.WorkflowTypes.BACKUP;
import static io.pgrunbooks.workflows.common.WorkflowTypes.BACKUP_VERIFICATION;
import static io.pgrunbooks.workflows.common.WorkflowTypes.FAILOVER;
import static io.pgrunbooks.workflows.common.WorkflowTypes.FAILOVER_DRILL;
import static io.pgrunbooks.workflows.common.WorkflowTypes.HEALTH_CHECK;
import static io.pgrunbooks.workflows.common.WorkflowTypes.PARTITION_MAINTENANCE;
import static io.pgrunbooks.workflows.common.WorkflowTypes.REPLICA_REBUILD;
import static io.pgrunbooks.workflows.common.WorkflowTypes.RESTORE_PARTITION;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgrunbooks.workflows.common.WorkflowIds;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The target fields of each workflow type's input and the workflow id a run started by hand gets
 * (DESIGN.md section 4); shared by the CLI and the REST API.
 */
public final class RunbookTargets {
  public static final Map<String, List<String>> REQUIRED = Map.of(
      PARTITION_MAINTENANCE, List.of("cluster", "database"),
      ARCHIVE_PARTITION, List.of("cluster", "database", "partition"),
      RESTORE_PARTITION, List.of("cluster", "database", "manifestKey"),
      REPLICA_REBUILD, List.of("cluster", "replica"),
      FAILOVER, List.of("cluster", "promote", "reason"),
      FAILOVER_DRILL, List.of("cluster"),
      BACKUP, List.of("cluster", "database"),
      BACKUP_VERIFICATION, List.of("cluster", "database"),
      HEALTH_CHECK, List.of("cluster"));

  /** Runbooks that take the cluster's topology lock (DESIGN.md invariant 4). */
  public static final Set<String> TOPOLOGY = Set.of(REPLICA_REBUILD, FAILOVER, FAILOVER_DRILL);

  private RunbookTargets() {}

  /** Refuses an input lacking a required field, or holding one that is not a non-empty string; names each. */
  public static void checkRequired(String type, ObjectNode input) {
    List<String> missing = new ArrayList<>();
    List<InputProblem.Field> problems = new ArrayList<>();
    for (String field : REQUIRED.get(type)) {
      if (field.equals("manifestKey") && byPartition(type, input)) {
        continue;
      }
      JsonNode v = input.get(field);
      if (v == null || v.isNull()) {
        missing.add(field);
      } else if (!v.isTextual() || v.asText().isBlank()) {
        problems.add(new InputProblem.Field(field, type + ": field \"" + field + "\" must be a non-empty string, got "
            + v));
      }
    }
    if (!problems.isEmpty()) {
      throw new InputProblem(problems);
    }
    if (!missing.isEmpty()) {
      String text = type + " needs " + (missing.size() == 1 ? "field " : "fields ")
          + String.join(", ", missing.stream().map(f -> "\"" + f + "\"").toList()) + " in its input (required: "
          + String.join(", ", REQUIRED.get(type)) + ")";
      throw new InputProblem(missing.stream().map(f -> new InputProblem.Field(f, text)).toList());
    }
  }

  /** The by-hand workflow id; the input has passed {@link #checkRequired}. */
  public static String workflowId(String type, ObjectNode in) {
    return switch (type) {
      case PARTITION_MAINTENANCE -> WorkflowIds.partitionMaintenance(s(in, "cluster"), s(in, "database"));
      case ARCHIVE_PARTITION -> WorkflowIds.archivePartition(s(in, "cluster"), s(in, "database"), s(in, "partition"));
      case RESTORE_PARTITION -> WorkflowIds.restorePartition(s(in, "cluster"), s(in, "database"), restoreTarget(in));
      case REPLICA_REBUILD -> WorkflowIds.replicaRebuild(s(in, "cluster"), s(in, "replica"));
      case FAILOVER -> WorkflowIds.failover(s(in, "cluster"));
      case FAILOVER_DRILL -> WorkflowIds.failoverDrill(s(in, "cluster"));
      case BACKUP -> WorkflowIds.backup(s(in, "cluster"), s(in, "database"));
      case BACKUP_VERIFICATION -> WorkflowIds.backupVerification(s(in, "cluster"), s(in, "database"));
      case HEALTH_CHECK -> WorkflowIds.healthCheck(s(in, "cluster"));
      default -> throw new IllegalArgumentException(type);
    };
  }

  /** What the run acts on, for people: "main", "main/app", "main/app/public.t_2025_01". */
  public static String describe(String type, ObjectNode in) {
    List<String> parts = new ArrayList<>();
    for (String field : REQUIRED.get(type)) {
      if (!field.equals("manifestKey") && !field.equals("reason")) {
        parts.add(s(in, field));
      }
    }
    if (type.equals(RESTORE_PARTITION)) {
      parts.add(in.hasNonNull("targetTable") ? s(in, "targetTable")
          : byPartition(type, in) ? s(in, "partition") : s(in, "manifestKey"));
    }
    return String.join("/", parts);
  }

  /** "HealthCheck of main (dry run), requested by alice: weekly check": the run's static summary. */
  public static String summary(String type, ObjectNode input) {
    StringBuilder s = new StringBuilder(type).append(" of ").append(describe(type, input));
    if (input.path("dryRun").asBoolean(false)) {
      s.append(" (dry run)");
    }
    String who = input.path("requestedBy").asText("");
    if (!who.isBlank()) {
      s.append(", requested by ").append(who);
    }
    String why = input.path("reason").asText("");
    if (!why.isBlank()) {
      s.append(": ").append(why);
    }
    return s.toString();
  }

  /** RestorePartition named by {@code partition} (its newest archive, or {@code archivedAt}) instead of a manifest key. */
  private static boolean byPartition(String type, ObjectNode in) {
    return type.equals(RESTORE_PARTITION) && !in.hasNonNull("manifestKey") && in.path("partition").isTextual()
        && !in.path("partition").asText().isBlank();
  }

  private static String restoreTarget(ObjectNode in) {
    if (!in.hasNonNull("targetTable") && byPartition(RESTORE_PARTITION, in)) {
      return s(in, "partition");
    }
    if (!in.hasNonNull("targetTable")) {
      throw InputProblem.of("targetTable", RESTORE_PARTITION + ": its workflow id names the target table, which "
          + "defaults to the original name read from the manifest at run time; give \"targetTable\" in the input "
          + "or an explicit workflow id");
    }
    return s(in, "targetTable");
  }

  private static String s(ObjectNode in, String field) {
    return in.path(field).asText();
  }
}
