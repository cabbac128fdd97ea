package io.pgrunbooks.workflows.partitionmaintenance;

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

  /** A catalog with one partition for the month the test clock starts in. */
  static final class Catalog implements PostgresPartitionActivities {
    final List<String> created = new ArrayList<>();

    @Override
    public List<PartitionPolicy> partitionPolicies(PartitionPoliciesInput input) {
      return List.of(new PartitionPolicy(TABLE, "month", "{parent}_{yyyy}_{mm}", 2, null, null, false));
    }

    @Override
    public TableFacts inspectPartitionedTable(InspectTableInput input) {
      return new TableFacts(TABLE, "created_at", "timestamptz", List.of(), null, List.of());
    }

    @Override
    public CreatePartitionsResult createMissingPartitions(CreatePartitionsInput input) {
      List<String> names = input.partitions().stream().map(NewPartition::name).toList();
      created.addAll(names);
      return new CreatePartitionsResult(names, List.of());
    }

    @Override
    public List<PartitionCount> countPartitionRows(CountRowsInput input) {
      return List.of();
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
      throw new IllegalStateException("nothing is expired on this path");
    }
  }
}
