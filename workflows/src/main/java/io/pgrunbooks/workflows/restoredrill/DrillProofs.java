package io.pgrunbooks.workflows.restoredrill;

import io.pgrunbooks.workflows.common.Failures;
import io.pgrunbooks.workflows.common.RunRecorder;
import io.pgrunbooks.workflows.physicalbackup.PgBackRestAnnotateCall;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import java.time.Instant;

/**
 * What a drill leaves behind for later: the proof on the backup it restored (PhysicalBackup's expire reads it) and its
 * record in the drill history. Neither is a check of the drill: when one cannot be written after its retries, the
 * run says so in its log and the drill's verdict stands (an unproven backup only makes the next expire ask).
 */
final class DrillProofs {
  private DrillProofs() {}

  static void keep(RunRecorder run, DrillTarget target, DrillRecord record, boolean restored) {
    if (restored) {
      String proof = record.workflowId() + "/" + record.runId() + "@"
          + Instant.ofEpochMilli(Workflow.currentTimeMillis());
      try {
        run.step("mark proven", () -> {
          RestoreDrillStubs.pgbackrest(target).pgbackrestAnnotate(new PgBackRestAnnotateCall(record.cluster(),
              record.backupLabel(), proof));
          return proof;
        }, p -> "annotated backup " + record.backupLabel() + " with pg-runbooks-drill=" + p);
        run.change("marked backup " + record.backupLabel() + " as proven by this drill (pg-runbooks-drill=" + proof
            + ")");
      } catch (ActivityFailure e) {
        run.log("backup " + record.backupLabel() + " not marked as proven: " + Failures.describe(e)
            + "; the next expire of it asks for approval");
      }
    }
    try {
      String key = run.step("record history", () -> RestoreDrillStubs.history().recordDrill(record),
          k -> k == null ? "no archive bucket configured: no drill history kept" : "drill history " + k);
      if (key != null) {
        run.change("drill history record " + key);
      }
    } catch (ActivityFailure e) {
      run.log("drill history not written: " + Failures.describe(e));
    }
  }
}
