package io.pgrunbooks.workflows.restoredrill;

import io.pgrunbooks.workflows.activities.Notification;
import io.pgrunbooks.workflows.activities.NotifyActivities;
import io.pgrunbooks.workflows.physicalbackup.PgBackRestActivities;
import io.pgrunbooks.workflows.physicalbackup.PgBackRestAnnotateCall;
import io.pgrunbooks.workflows.physicalbackup.PgBackRestBackup;
import io.pgrunbooks.workflows.physicalbackup.PgBackRestCall;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** In-memory stand-ins for RestoreDrill's activities; every call is logged in {@link #calls}. */
public final class RestoreDrillFakes {
  /** Backups end at 1_765_000_000 (2025-12-06T05:46:40Z) and a day later. */
  public static final long FIRST_STOP = 1_765_000_000L;

  public final List<String> calls = new CopyOnWriteArrayList<>();
  public final List<PgBackRestBackup> repo = new CopyOnWriteArrayList<>(List.of(
      backup("20251206-054000F", FIRST_STOP), backup("20251207-054000F", FIRST_STOP + 86_400)));
  public final List<Notification> notifications = new CopyOnWriteArrayList<>();
  public volatile long rtoObjective;
  public volatile long rpoObjective;
  public volatile long rpo = 12;
  public volatile double rto = 42.5;
  /** What the restored instance holds; a test changes it to a broken restore. */
  public volatile DrillFacts facts = new DrillFacts(false, 2, true, false, 0,
      List.of(new TableCheck("public.quiet", 20000, 20000)), 1, 3, List.of());
  /** The log line the restored instance reports as where recovery stopped. */
  public volatile String recoveryStop = "LOG:  recovery stopping before commit of transaction 730";
  /** Non-null: the restore fails with this non-retryable message. */
  public volatile String restoreFailure;
  /** Non-null: annotating the backup fails with this non-retryable message. */
  public volatile String annotateFailure;
  /** The drill history records written. */
  public final List<DrillRecord> records = new CopyOnWriteArrayList<>();
  /** Non-null: the check step fails with this non-retryable message. */
  public volatile String checkFailure;

  private static PgBackRestBackup backup(String label, long stop) {
    return new PgBackRestBackup(label, "full", stop - 360, stop, 1_000_000, 250_000, "000000010000000000000002",
        "000000010000000000000003", List.of(), null);
  }

  public final RestoreDrillActivities central = new RestoreDrillActivities() {
    @Override
    public DrillTarget restoreDrillTarget(String cluster, String database) {
      calls.add("target " + cluster + " " + database);
      if (!"main".equals(cluster)) {
        throw ApplicationFailure.newNonRetryableFailure("unknown cluster '" + cluster + "'", "BadInput");
      }
      return new DrillTarget("pg1", "10.0.0.1", "main", database == null ? "app" : database, rtoObjective,
          rpoObjective, 5);
    }

    @Override
    public SentinelFacts drillSentinels(SentinelCall call) {
      calls.add("sentinels " + call.database() + " " + call.targetEpochMicros());
      long target = call.targetEpochMicros() == 0 ? (FIRST_STOP + 2 * 86_400) * 1_000_000L : call.targetEpochMicros();
      return new SentinelFacts(rpo, "000000010000000000000009", 0, target, RestoreDrillRules.targetText(target),
          call.targetEpochMicros() == 0 ? 7 : 0, 8, 0, Map.of("public.quiet", 20000L));
    }

    @Override
    public DrillFacts drillCheck(DrillCheckCall call) {
      calls.add("check " + call.host() + ":" + call.port());
      if (checkFailure != null) {
        throw ApplicationFailure.newNonRetryableFailure(checkFailure, "SqlError");
      }
      return facts;
    }
  };

  public final DrillScratchActivities agent = new DrillScratchActivities() {
    @Override
    public DrillInstance drillRestore(DrillRestoreCall call) {
      calls.add("restore " + call.backupLabel() + " " + (call.type().equals(DrillRestoreCall.TIME) ? ""
          : call.type() + " ") + call.target() + " into " + call.scratch());
      if (restoreFailure != null) {
        throw ApplicationFailure.newNonRetryableFailure(restoreFailure, "RestoreDrillFailed");
      }
      return new DrillInstance("/var/lib/postgresql/15/pg-runbooks-drills/" + call.scratch(), 54321, rto - 2, rto,
          recoveryStop);
    }

    @Override
    public boolean drillRemove(DrillRemoveCall call) {
      calls.add("remove " + call.scratch());
      return true;
    }
  };

  public final PgBackRestActivities pgbackrest = new PgBackRestActivities() {
    @Override
    public List<PgBackRestBackup> pgbackrestInfo(PgBackRestCall call) {
      return List.copyOf(repo);
    }

    @Override
    public PgBackRestBackup pgbackrestBackup(PgBackRestCall call) {
      throw new UnsupportedOperationException("a drill takes no backup");
    }

    @Override
    public List<String> pgbackrestExpire(PgBackRestCall call) {
      throw new UnsupportedOperationException("a drill expires nothing");
    }

    @Override
    public void pgbackrestAnnotate(PgBackRestAnnotateCall call) {
      calls.add("annotate " + call.label() + " " + call.proof());
      if (annotateFailure != null) {
        throw ApplicationFailure.newNonRetryableFailure(annotateFailure, "PgBackRestFailed");
      }
    }
  };

  public final DrillHistoryActivities history = new DrillHistoryActivities() {
    @Override
    public String recordDrill(DrillRecord record) {
      String key = DrillHistory.key("archive", record);
      calls.add("history " + key);
      records.add(record);
      return key;
    }
  };

  public final NotifyActivities notifier = new NotifyActivities() {
    @Override
    public void notify(Notification notification) {
      notifications.add(notification);
    }
  };
}
