package io.pgrunbooks.workflows.partitionmaintenance;

import io.pgrunbooks.workflows.activities.ApprovalPolicy.PreApproval;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.common.WorkflowIds;
import io.pgrunbooks.workflows.replay.DroppedNotifications;
import io.pgrunbooks.workflows.replay.FixedApprovals;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.util.ArrayList;
import java.util.List;

/** Recorded paths of {@code PartitionMaintenance} for the replay registry. */
public final class PartitionMaintenancePaths {
  private static final String TABLE = "public.events";
  private static final String OLD = "public.events_2000_01";
  private static final String OLD_FROM = "2000-01-01T00:00:00Z";
  private static final String OLD_TO = "2000-02-01T00:00:00Z";

  private PartitionMaintenancePaths() {}

  /** One monthly table that keeps its partitions forever: the missing future months are created, nothing retired. */
  public static String createdAhead(TestWorkflowEnvironment env) {
    Catalog catalog = new Catalog();
    Worker worker = env.newWorker(TaskQueues.CENTRAL);
    worker.registerWorkflowImplementationTypes(PartitionMaintenanceWorkflowImpl.class);
    worker.registerActivitiesImplementations(catalog, new FixedApprovals(), new DroppedNotifications(), new io.pgrunbooks.workflows.replay.KeptReports());
    env.start();
    String id = WorkflowIds.partitionMaintenance("main", "app");
    env.getWorkflowClient().newWorkflowStub(PartitionMaintenanceWorkflow.class,
            WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.CENTRAL).setWorkflowId(id).build())
        .run(new PartitionMaintenanceInput("main", "app", null, 2, false, "alice", "monthly"));
    if (catalog.created.isEmpty()) {
      throw new IllegalStateException("the path created no partition; it would record nothing worth replaying");
    }
    return id;
  }

  /**
   * One monthly table with a 3-month retention and a partition two years old: the future months are created and
   * the old partition is dropped under a pre-approval of the drop batch (the batched shape's drop activity).
   */
  public static String retired(TestWorkflowEnvironment env) {
    Catalog catalog = new Catalog();
    catalog.retention = "P3M";
    FixedApprovals approvals = new FixedApprovals();
    approvals.preApprovals = List.of(new PreApproval("drop-partitions", "main/app", "approvals.preApprovals[0]"));
    Worker worker = env.newWorker(TaskQueues.CENTRAL);
    worker.registerWorkflowImplementationTypes(PartitionMaintenanceWorkflowImpl.class);
    worker.registerActivitiesImplementations(catalog, approvals, new DroppedNotifications(),
        new io.pgrunbooks.workflows.replay.KeptReports());
    env.start();
    String id = WorkflowIds.partitionMaintenance("main", "app");
    env.getWorkflowClient().newWorkflowStub(PartitionMaintenanceWorkflow.class,
            WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.CENTRAL).setWorkflowId(id).build())
        .run(new PartitionMaintenanceInput("main", "app", null, 2, false, "alice", "monthly", 2));
    if (catalog.dropped.isEmpty()) {
      throw new IllegalStateException("the path dropped no partition; it would record nothing worth replaying");
    }
    return id;
  }

  /**
   * 60 monthly tables with a 3-month retention, {@code parallel} 2: more than one activity takes, so the run starts
   * two {@link PartitionBatchWorkflow} children ({@code <id>/batch-1}, {@code -2}), each creating its tables' future
   * months and dropping their old partitions under the pre-approval. Returns the parent's id.
   */
  public static String batchChildren(TestWorkflowEnvironment env) {
    startBatchChildren(env);
    return WorkflowIds.partitionMaintenance("main", "app");
  }

  /** The first batch child of {@link #batchChildren}: its own history (plan, create, approval, drop). */
  public static String batchChild(TestWorkflowEnvironment env) {
    startBatchChildren(env);
    return WorkflowIds.partitionMaintenance("main", "app") + PartitionBatchWorkflow.ID_INFIX + 1;
  }

  private static void startBatchChildren(TestWorkflowEnvironment env) {
    ManyTables catalog = new ManyTables(60);
    catalog.retention = "P3M";
    FixedApprovals approvals = new FixedApprovals();
    approvals.preApprovals = List.of(new PreApproval("drop-partitions", "main/app", "approvals.preApprovals[0]"));
    Worker worker = env.newWorker(TaskQueues.CENTRAL);
    worker.registerWorkflowImplementationTypes(PartitionMaintenanceWorkflowImpl.class, PartitionBatchWorkflowImpl.class);
    worker.registerActivitiesImplementations(catalog, approvals, new DroppedNotifications(),
        new io.pgrunbooks.workflows.replay.KeptReports());
    env.start();
    PartitionMaintenanceResult r = env.getWorkflowClient().newWorkflowStub(PartitionMaintenanceWorkflow.class,
            WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.CENTRAL)
                .setWorkflowId(WorkflowIds.partitionMaintenance("main", "app")).build())
        .run(new PartitionMaintenanceInput("main", "app", null, 2, false, "alice", "monthly", 2));
    if (r.batches().size() != 2 || catalog.dropped.size() != 60) {
      throw new IllegalStateException("the path ran " + r.batches().size() + " batches and dropped "
          + catalog.dropped.size() + " partitions; expected 2 and 60");
    }
  }

  /** A catalog with one partition for the month the test clock starts in (and an old one when retention is set). */
  static final class Catalog implements PostgresPartitionActivities {
    final List<String> created = new ArrayList<>();
    final List<String> dropped = new ArrayList<>();
    String retention;

    @Override
    public List<PartitionPolicy> partitionPolicies(PartitionPoliciesInput input) {
      return List.of(new PartitionPolicy(TABLE, "month", "{parent}_{yyyy}_{mm}", 2, retention, null, false));
    }

    @Override
    public TableFacts inspectPartitionedTable(InspectTableInput input) {
      List<PartitionFacts> old = retention == null ? List.of() : List.of(new PartitionFacts(OLD, OLD_FROM, OLD_TO,
          "FOR VALUES FROM ('" + OLD_FROM + "') TO ('" + OLD_TO + "')", 10, 8192, 8192));
      return new TableFacts(TABLE, "created_at", "timestamptz", old, null, List.of());
    }

    @Override
    public CreatePartitionsResult createMissingPartitions(CreatePartitionsInput input) {
      List<String> names = input.partitions().stream().map(NewPartition::name).toList();
      created.addAll(names);
      return new CreatePartitionsResult(names, List.of());
    }

    @Override
    public List<PartitionCount> countPartitionRows(CountRowsInput input) {
      return input.partitions().stream().map(n -> new PartitionCount(n, OLD_FROM, OLD_TO, 10, 16384,
          "0".repeat(64))).toList();
    }

    @Override
    public DropPartitionsResult dropExpiredPartitions(DropPartitionsInput input) {
      throw new IllegalStateException("nothing is expired on this path");
    }

    @Override
    public List<TableFacts> inspectPartitionedTables(InspectTablesInput input) {
      return input.policies().stream().map(p -> inspectPartitionedTable(
          new InspectTableInput(input.cluster(), input.database(), p))).toList();
    }

    @Override
    public List<String> validatePartitionedTables(InspectTablesInput input) {
      return inspectPartitionedTables(input).stream().map(TableFacts::table).toList();
    }

    @Override
    public List<TableCreated> createPartitionsOfTables(TablesInput<CreatePartitionsInput> input) {
      return input.tables().stream().map(t -> {
        CreatePartitionsResult r = createMissingPartitions(t);
        return new TableCreated(t.table(), r.created(), r.alreadyExisted(), r.created().stream()
            .map(n -> new PartitionFacts("public." + n, null, null, "", 0, 8192, 8192)).toList(), null);
      }).toList();
    }

    @Override
    public List<TableCounts> countRowsOfTables(TablesInput<CountRowsInput> input) {
      return input.tables().stream().map(t -> new TableCounts(t.table(), countPartitionRows(t))).toList();
    }

    @Override
    public List<TableDropped> dropPartitionsOfTables(TablesInput<DropPartitionsInput> input) {
      return input.tables().stream().map(t -> {
        List<String> names = t.partitions().stream().map(PartitionCount::name).toList();
        dropped.addAll(names);
        return new TableDropped(t.table(), names, List.of(), null);
      }).toList();
    }
  }
}
