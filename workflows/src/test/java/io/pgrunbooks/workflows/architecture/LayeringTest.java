package io.pgrunbooks.workflows.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import io.pgrunbooks.workflows.common.ActivityStubs;
import io.pgrunbooks.workflows.registry.Runbooks;
import java.util.stream.Stream;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * DESIGN.md section 2 inside the workflows module: deterministic workflow code only, and one-way
 * layers. From the bottom: {@code activities} (interfaces and records) and {@code common}; then
 * {@code approval} and {@code lock}; then {@code runbook} (the base every runbook extends); then the
 * runbook packages; {@code registry} (the list of runbooks) on top.
 */
class LayeringTest {
  // Plain JUnit tests calling check(): ArchUnit's own engine is not selected by surefire's -Dtest filter.
  private static final JavaClasses CLASSES = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("io.pgrunbooks.workflows");

  /** Every runbook's package (from the registry, so a new runbook is covered at once) and the registry. */
  static final String[] RUNBOOK_PACKAGES = Stream.concat(
          Runbooks.ALL.stream().map(spec -> ".." + spec.workflow().getPackageName() + ".."),
          Stream.of("..workflows.registry.."))
      .distinct().toArray(String[]::new);

  @Test
  void workflowsNeverImportActivityImplementationsClientOrProcesses() {
    noClasses()
      .that().resideInAPackage("io.pgrunbooks.workflows..")
      .should().dependOnClassesThat().resideInAnyPackage("io.pgrunbooks.activities..", "io.pgrunbooks.client..",
          "io.pgrunbooks.worker..", "io.pgrunbooks.api..", "io.pgrunbooks.ops..", "io.pgrunbooks.config..")
      .because("workflow code is deterministic and does no I/O (DESIGN.md section 2)")
      .check(CLASSES);
  }

  @Test
  void sharedPackagesNeverImportARunbook() {
    noClasses()
      .that().resideInAnyPackage("..workflows.approval..", "..workflows.lock..", "..workflows.common..",
          "..workflows.activities..")
      .should().dependOnClassesThat().resideInAnyPackage(RUNBOOK_PACKAGES)
      .because("the approval gate, the topology lock and the shared base serve every runbook; an arrow back up "
          + "ties them to one")
      .check(CLASSES);
  }

  @Test
  void activityOptionsAreDeclaredOnlyThroughActivityStubs() {
    noClasses()
      .that().resideInAPackage("io.pgrunbooks.workflows..")
      .and().doNotHaveFullyQualifiedName(ActivityStubs.class.getName())
      .and().doNotHaveFullyQualifiedName(ActivityStubs.Options.class.getName())
      .should().callMethod(ActivityOptions.class, "newBuilder")
      .orShould().callMethod(ActivityOptions.class, "newBuilder", ActivityOptions.class)
      .orShould().callMethod(RetryOptions.class, "newBuilder")
      .because("one style of activity options (issue 15): every retry policy stops at the non-retryable "
          + "failure types, and a stub's queue, timeouts and retries read the same everywhere")
      .check(CLASSES);
  }

  @Test
  void noPackageCycles() {
    slices().matching("io.pgrunbooks.workflows.(*)..").should().beFreeOfCycles().check(CLASSES);
  }
}
