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
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgrunbooks.workflows.archivepartition.ArchivePartitionInput;
import io.pgrunbooks.workflows.backup.BackupInput;
import io.pgrunbooks.workflows.backupverification.BackupVerificationInput;
import io.pgrunbooks.workflows.common.DataConverters;
import io.pgrunbooks.workflows.failover.FailoverInput;
import io.pgrunbooks.workflows.failoverdrill.FailoverDrillInput;
import io.pgrunbooks.workflows.healthcheck.HealthCheckInput;
import io.pgrunbooks.workflows.partitionmaintenance.PartitionMaintenanceInput;
import io.pgrunbooks.workflows.replicarebuild.ReplicaRebuildInput;
import io.pgrunbooks.workflows.restorepartition.RestorePartitionInput;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The runbooks a person can start: each workflow type with one line on what it does and its input
 * fields, derived from the input record itself (names, types), with the defaults the workflow
 * applies to a field left out. Adding a runbook is one {@code entry(...)} line.
 */
public final class RunbookCatalog {
  /** One input field: JSON name, JSON type, whether it must be given, and what applies when it is not. */
  public record Field(String name, String type, boolean required, String defaultValue) {}

  /** One runbook: its workflow type, what it does, its input record and fields, and an input that starts it. */
  public record Entry(String type, String description, Class<? extends Record> inputClass, List<Field> fields,
                      ObjectNode example) {}

  private static final ObjectMapper JSON = DataConverters.objectMapper();

  /** Example values of target fields, for the catalog's example inputs (the local stack's names). */
  private static final Map<String, String> EXAMPLES = Map.of(
      "cluster", "main",
      "database", "app",
      "partition", "public.agent_routing_metrics_2025_06",
      "manifestKey", "pg-runbooks/main/app/public/agent_routing_metrics/agent_routing_metrics_2025_06/manifest.json",
      "replica", "pg2",
      "promote", "pg2",
      "reason", "pg1's host is lost");

  private static final Map<String, Entry> ENTRIES = new LinkedHashMap<>();

  static {
    entry(PARTITION_MAINTENANCE, PartitionMaintenanceInput.class,
        "Create future partitions, report coverage gaps and default-partition rows, retire expired partitions "
            + "(drops need approval).",
        "tables", "all configured tables", "premake", "each table's configured premake");
    entry(ARCHIVE_PARTITION, ArchivePartitionInput.class,
        "Export one partition to S3, verify checksum and row count, then drop it after approval.",
        "drop", "true", "deepVerify", "true");
    entry(RESTORE_PARTITION, RestorePartitionInput.class,
        "Restore an archived partition from its S3 manifest into a table, optionally re-attached to its parent.",
        "targetTable", "the archived partition's own name", "partition",
        "instead of manifestKey: restore the newest archive of this schema.name", "archivedAt",
        "with partition: the newest archive");
    entry(REPLICA_REBUILD, ReplicaRebuildInput.class,
        "Rebuild a broken replica with pg_basebackup from the current primary (wiping its data dir needs approval).");
    entry(FAILOVER, FailoverInput.class,
        "Promote a replica: fence or cleanly stop the primary, promote, repoint PgBouncer and the other replicas "
            + "(two approvals of the possible data loss).");
    entry(FAILOVER_DRILL, FailoverDrillInput.class,
        "Monthly failover rehearsal with proof: sentinel rows and a write probe through PgBouncer, switchover, "
            + "pg_rewind rejoin, switch back, RB-4 report.",
        "replica", "the healthiest streaming replica", "switchBack", "true",
        "window", "failover.drill.window of the config (or at once)");
    entry(BACKUP, BackupInput.class,
        "Logical backup of one database to S3 with a manifest of table row counts; applies backup retention.");
    entry(BACKUP_VERIFICATION, BackupVerificationInput.class,
        "Restore a backup into a scratch instance, compare row counts and run amcheck.",
        "backupKey", "the newest complete backup");
    entry(HEALTH_CHECK, HealthCheckInput.class,
        "Read-only check of every node: role, replication lag, connections, long queries, disk, backup age.");
  }

  private RunbookCatalog() {}

  private static void entry(String type, Class<? extends Record> input, String description, String... defaults) {
    Map<String, String> given = new LinkedHashMap<>();
    for (int i = 0; i < defaults.length; i += 2) {
      given.put(defaults[i], defaults[i + 1]);
    }
    List<String> required = RunbookTargets.REQUIRED.get(type);
    List<Field> fields = new ArrayList<>();
    ObjectNode example = JSON.createObjectNode();
    for (RecordComponent c : input.getRecordComponents()) {
      boolean isRequired = required.contains(c.getName());
      String def = isRequired ? null : given.remove(c.getName());
      if (def == null && !isRequired) {
        def = c.getType() == boolean.class ? "false" : c.getName().equals("requestedBy")
            ? "the caller" : "none";
      }
      fields.add(new Field(c.getName(), jsonType(c.getGenericType()), isRequired, def));
      if (isRequired) {
        example.put(c.getName(), EXAMPLES.getOrDefault(c.getName(), "..."));
      }
    }
    if (!given.isEmpty()) {
      throw new IllegalStateException(type + ": defaults for fields its input does not have: " + given.keySet());
    }
    ENTRIES.put(type, new Entry(type, description, input, List.copyOf(fields), example));
  }

  /** Every runbook, in contract order. */
  public static List<Entry> all() {
    return List.copyOf(ENTRIES.values());
  }

  /** The runbook of this workflow type, or null. */
  public static Entry get(String type) {
    return ENTRIES.get(type);
  }

  /**
   * Checks an input as the workflow will read it, naming every bad field: unknown fields (the data
   * converter refuses them), wrong JSON types, missing or blank required fields.
   *
   * @throws InputProblem listing each bad field
   */
  public static void validate(String type, ObjectNode input) {
    Entry entry = ENTRIES.get(type);
    if (entry == null) {
      throw InputProblem.of("runbook", "unknown runbook \"" + type + "\"; valid: " + String.join(", ", ENTRIES.keySet()));
    }
    List<InputProblem.Field> problems = new ArrayList<>();
    Map<String, RecordComponent> components = new LinkedHashMap<>();
    for (RecordComponent c : entry.inputClass().getRecordComponents()) {
      components.put(c.getName(), c);
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = input.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      RecordComponent c = components.get(f.getKey());
      if (c == null) {
        problems.add(new InputProblem.Field(f.getKey(), "unknown field \"" + f.getKey() + "\" for " + type
            + "; its fields: " + String.join(", ", components.keySet())));
        continue;
      }
      if (f.getValue().isNull()) {
        continue;
      }
      try {
        JSON.convertValue(f.getValue(), JSON.constructType(c.getGenericType()));
        if (c.getType() == String.class && !f.getValue().isTextual()) {
          throw new IllegalArgumentException("not a string");
        }
      } catch (IllegalArgumentException e) {
        problems.add(new InputProblem.Field(f.getKey(), "field \"" + f.getKey() + "\" must be "
            + jsonType(c.getGenericType()) + ", got " + f.getValue()));
      }
    }
    try {
      RunbookTargets.checkRequired(type, input);
    } catch (InputProblem e) {
      e.fields().stream().filter(p -> problems.stream().noneMatch(q -> q.field().equals(p.field())))
          .forEach(problems::add);
    }
    if (!problems.isEmpty()) {
      throw new InputProblem(problems);
    }
  }

  private static String jsonType(Type t) {
    if (t instanceof ParameterizedType p && p.getRawType() == List.class) {
      return "array of " + jsonType(p.getActualTypeArguments()[0]);
    }
    if (t == boolean.class || t == Boolean.class) {
      return "boolean";
    }
    if (t == int.class || t == Integer.class || t == long.class || t == Long.class) {
      return "integer";
    }
    if (t == String.class) {
      return "string";
    }
    return "object";
  }
}
