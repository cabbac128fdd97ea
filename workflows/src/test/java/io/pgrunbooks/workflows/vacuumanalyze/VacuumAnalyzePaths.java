package io.pgrunbooks.workflows.vacuumanalyze;

import io.temporal.testing.TestWorkflowEnvironment;
import java.util.List;

/** Recorded paths of {@code VacuumAnalyze} for the replay registry. */
public final class VacuumAnalyzePaths {
  private VacuumAnalyzePaths() {}

  /** A table near wraparound frozen first, then an 80%-dead table, after one pause for a lagging replica. */
  public static String vacuumed(TestWorkflowEnvironment env) {
    VacuumFakes fakes = new VacuumFakes();
    fakes.lags.clear();
    fakes.lags.addAll(List.of(45.0, 0.0));
    VacuumFakes.execute(VacuumFakes.stub(fakes.start(env)), VacuumAnalyzeInput.of("main", "app", null));
    return finished(env);
  }

  /** The replica never catches up: the window ends during the pause and every table is left (urgent one unfrozen). */
  public static String windowEnded(TestWorkflowEnvironment env) {
    VacuumFakes fakes = new VacuumFakes();
    fakes.lags.clear();
    fakes.lags.add(120.0);
    VacuumFakes.execute(VacuumFakes.stub(fakes.start(env)), withWindow("3m"));
    return finished(env);
  }

  /** The window ends while a VACUUM runs: it is cancelled, the rest is left. */
  public static String cancelledAtWindowEnd(TestWorkflowEnvironment env) {
    VacuumFakes fakes = new VacuumFakes();
    fakes.slowTable = "public.events";
    VacuumFakes.execute(VacuumFakes.stub(fakes.start(env)), withWindow("2s"));
    return finished(env);
  }

  /** The wraparound table's VACUUM fails for good: reported (critical), the next table is still vacuumed. */
  public static String tableFailed(TestWorkflowEnvironment env) {
    VacuumFakes fakes = new VacuumFakes();
    fakes.failingTable = "public.ledger";
    VacuumFakes.execute(VacuumFakes.stub(fakes.start(env)), VacuumAnalyzeInput.of("main", "app", null));
    return finished(env);
  }

  /** No table crosses a threshold. */
  public static String nothingToDo(TestWorkflowEnvironment env) {
    VacuumFakes fakes = new VacuumFakes();
    fakes.tables = List.of(fakes.tables.get(2));
    VacuumFakes.execute(VacuumFakes.stub(fakes.start(env)), VacuumAnalyzeInput.of("main", "app", null));
    return finished(env);
  }

  private static String finished(TestWorkflowEnvironment env) {
    env.getWorkflowClient().newUntypedWorkflowStub(VacuumFakes.id()).getResult(Object.class);
    return VacuumFakes.id();
  }

  static VacuumAnalyzeInput withWindow(String window) {
    return new VacuumAnalyzeInput("main", "app", null, null, null, null, window, null, false, null, null);
  }
}
