package io.pgrunbooks.workflows.integritycheck;

import io.pgrunbooks.workflows.activities.IntegrityActivities.Corruption;
import io.temporal.testing.TestWorkflowEnvironment;
import java.util.List;

/** Recorded paths of {@code IntegrityCheck} for the replay registry. */
public final class IntegrityCheckPaths {
  private IntegrityCheckPaths() {}

  public static String clean(TestWorkflowEnvironment env) {
    IntegrityCheckFakes.stub(new IntegrityCheckFakes().start(env)).run(IntegrityCheckInput.of("main", "app"));
    return IntegrityCheckFakes.id();
  }

  /** A corrupt btree on the replica and checksum failures on the primary: a critical findings notification. */
  public static String corruptionFound(TestWorkflowEnvironment env) {
    IntegrityCheckFakes fakes = new IntegrityCheckFakes();
    fakes.corruptions = List.of(new Corruption("public.orders_pkey", "btree",
        "item order invariant violated for index \"orders_pkey\""));
    fakes.checksumFailuresOnPg1 = 2;
    IntegrityCheckFakes.stub(fakes.start(env)).run(IntegrityCheckInput.of("main", "app"));
    return IntegrityCheckFakes.id();
  }
}
