package io.pgrunbooks.workflows.restoredatabase;

import io.pgrunbooks.workflows.activities.Notification;
import io.pgrunbooks.workflows.activities.NotifyActivities;
import io.pgrunbooks.workflows.activities.PgBouncerDatabaseActivities;
import io.pgrunbooks.workflows.approval.ApprovalSignal;
import io.pgrunbooks.workflows.backup.BackupEntry;
import io.pgrunbooks.workflows.backup.BackupManifest;
import io.pgrunbooks.workflows.backup.BackupPolicy;
import io.pgrunbooks.workflows.backup.BackupRef;
import io.pgrunbooks.workflows.backup.ListBackupsInput;
import io.pgrunbooks.workflows.backup.TableCount;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.common.WorkflowIds;
import io.pgrunbooks.workflows.healthcheck.NoBackups;
import io.pgrunbooks.workflows.replay.FixedApprovals;
import io.pgrunbooks.workflows.replay.TestEnvironments;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A scripted primary for RestoreDatabase tests and recorded histories: a name-to-comment map of the databases that
 * exist, changed by the restore and the renames as PostgreSQL would; the bucket and PgBouncer record what was asked.
 */
public final class RestoreDatabaseFakes implements RestoreDatabaseActivities, PgBouncerDatabaseActivities {
  public static final String KEY = "backups/main/app/20261206T010000Z-abc/";
  public static final String TARGET = "app_restored";
  public final List<String> calls = new CopyOnWriteArrayList<>();
  public final FixedApprovals approvals = new FixedApprovals();
  /** Databases on the primary: name to comment (null = no comment). */
  public final Map<String, String> databases = new HashMap<>(Map.of("app", "", "postgres", ""));
  public volatile String bouncerNode = "pg1";
  public volatile boolean targetConfigured;
  /** Rows the restore yields for public.orders (the manifest says 1000). */
  public volatile long restoredOrders = 1000;
  /** When set, the first rename of the live database "crashes" after renaming (the retry finds it done). */
  public volatile boolean crashAfterFirstRename;
  private volatile boolean crashed;

  @Override
  public synchronized RestoreFacts inspectRestore(RestoreTarget t) {
    calls.add("inspect");
    return new RestoreFacts("pg1", databases.containsKey(t.database()), databases.containsKey(t.targetDatabase()),
        databases.containsKey(t.beforeName()), targetConfigured, comment(t.database()), comment(t.targetDatabase()),
        50_000_000L, databases.containsKey(t.targetDatabase()) ? 48_000_000L : 0, 3, 0, bouncerNode, 30);
  }

  @Override
  public synchronized RestoredDatabase restoreIntoTarget(RestoreIntoInput in) {
    calls.add("restore " + in.targetDatabase());
    boolean redone = databases.containsKey(in.targetDatabase());
    if (redone && !in.marker().equals(databases.get(in.targetDatabase()))) {
      throw ApplicationFailure.newNonRetryableFailure("database " + in.targetDatabase() + " exists and does not carry"
          + " this run's marker", "SafetyRefused");
    }
    databases.put(in.targetDatabase(), in.marker());
    return new RestoredDatabase("pg1", redone, 0.4, 2.5, 48_000_000L);
  }

  @Override
  public List<TableCount> countRestoredRows(CountRestoredInput in) {
    calls.add("count " + in.targetDatabase());
    return List.of(new TableCount("public", "orders", restoredOrders, true),
        new TableCount("public", "customers", 50, true));
  }

  @Override
  public synchronized String renameDatabase(RenameInput in) {
    calls.add("rename " + in.from() + " " + in.to());
    if (!databases.containsKey(in.from()) && databases.containsKey(in.to())) {
      return in.from() + " was already renamed to " + in.to();
    }
    databases.put(in.to(), databases.remove(in.from()));
    if (crashAfterFirstRename && !crashed) {
      crashed = true;
      throw ApplicationFailure.newFailure("worker lost after the rename", "Unreachable");
    }
    return "renamed " + in.from() + " to " + in.to();
  }

  @Override
  public String pauseDatabase(DatabaseBouncerInput in) {
    calls.add("pause " + in.database());
    return "PgBouncer paused " + in.database();
  }

  @Override
  public String resumeDatabase(DatabaseBouncerInput in) {
    calls.add("resume " + in.database());
    return "PgBouncer resumed " + in.database();
  }

  private String comment(String name) {
    String c = databases.get(name);
    return c == null || c.isEmpty() ? null : c;
  }

  /** The bucket: one complete backup of main/app whose manifest counts 1000 orders and 50 customers. */
  static final class Store extends NoBackups {
    @Override
    public BackupPolicy policy(ListBackupsInput input) {
      return new BackupPolicy("runbooks", "backups/", false, 3, 14, 2, 26, null);
    }

    @Override
    public List<BackupEntry> listBackups(ListBackupsInput input) {
      return List.of(new BackupEntry(KEY, Instant.parse("2026-12-06T01:00:00Z"), true, true, null, 4_000_000L));
    }

    @Override
    public BackupManifest readBackupManifest(BackupRef ref) {
      String[] parts = ref.backupKey().split("/");
      return new BackupManifest(1, parts[1], parts[2], "pg2", "replica", "15.8", "15.8",
          Instant.parse("2026-12-06T01:00:00Z"), "0/3000060", List.of(new TableCount("public", "orders", 1000, true),
          new TableCount("public", "customers", 50, true), new TableCount("public", "events", 9_000_000, false)),
          ref.backupKey() + "dump.pgdump", 4_000_000L, "ab".repeat(32), "backup:main:app", "r1",
          Instant.parse("2026-12-06T01:00:00Z"), Instant.parse("2026-12-06T01:02:00Z"));
    }
  }

  public WorkflowClient start(TestWorkflowEnvironment env) {
    var central = env.newWorker(TaskQueues.CENTRAL);
    central.registerWorkflowImplementationTypes(RestoreDatabaseWorkflowImpl.class);
    central.registerActivitiesImplementations(new RestoreDatabaseActivitiesOnly(this), new Store(), approvals,
        (NotifyActivities) (Notification n) -> { }, new io.pgrunbooks.workflows.replay.KeptReports());
    env.newWorker(TaskQueues.node("pg1")).registerActivitiesImplementations(new BouncerOnly(this));
    env.start();
    return env.getWorkflowClient();
  }

  public static String id() {
    return WorkflowIds.restoreDatabase("main", TARGET);
  }

  public static RestoreDatabaseWorkflow stub(WorkflowClient client) {
    return client.newWorkflowStub(RestoreDatabaseWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.CENTRAL).setWorkflowId(id()).build());
  }

  public static CompletableFuture<RestoreDatabaseResult> execute(RestoreDatabaseWorkflow run,
                                                                 RestoreDatabaseInput input) {
    CompletableFuture<RestoreDatabaseResult> done = WorkflowClient.execute(run::run, input);
    done.exceptionally(e -> null);
    return done;
  }

  public static void approve(RestoreDatabaseWorkflow run, String approver) {
    run.approve(new ApprovalSignal(TestEnvironments.awaitPendingApproval(run), approver, "restore checked", null));
  }

  public static void reject(RestoreDatabaseWorkflow run) {
    run.reject(new ApprovalSignal(TestEnvironments.awaitPendingApproval(run), "bob", "not now", null));
  }

  /** The central half: the worker registers RestoreDatabaseActivities there, PgBouncer's on the node's queue. */
  private record RestoreDatabaseActivitiesOnly(RestoreDatabaseFakes f) implements RestoreDatabaseActivities {
    @Override
    public RestoreFacts inspectRestore(RestoreTarget target) {
      return f.inspectRestore(target);
    }

    @Override
    public RestoredDatabase restoreIntoTarget(RestoreIntoInput input) {
      return f.restoreIntoTarget(input);
    }

    @Override
    public List<TableCount> countRestoredRows(CountRestoredInput input) {
      return f.countRestoredRows(input);
    }

    @Override
    public String renameDatabase(RenameInput input) {
      return f.renameDatabase(input);
    }
  }

  private record BouncerOnly(RestoreDatabaseFakes f) implements PgBouncerDatabaseActivities {
    @Override
    public String pauseDatabase(DatabaseBouncerInput input) {
      return f.pauseDatabase(input);
    }

    @Override
    public String resumeDatabase(DatabaseBouncerInput input) {
      return f.resumeDatabase(input);
    }
  }
}
