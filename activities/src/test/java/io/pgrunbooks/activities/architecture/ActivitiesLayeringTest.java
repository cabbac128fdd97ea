package io.pgrunbooks.activities.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * DESIGN.md section 2 for the activities module: activity implementations know the workflows'
 * interfaces and the config, never the processes that host them, and their packages (one per system
 * touched) do not depend on each other in a circle.
 */
class ActivitiesLayeringTest {
  // Plain JUnit tests calling check(): ArchUnit's own engine is not selected by surefire's -Dtest filter.
  private static final JavaClasses CLASSES = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("io.pgrunbooks.activities");

  @Test
  void activitiesNeverImportTheProcessesOrTheClient() {
    noClasses().that().resideInAPackage("io.pgrunbooks.activities..")
        .should().dependOnClassesThat().resideInAnyPackage("io.pgrunbooks.worker..", "io.pgrunbooks.api..",
            "io.pgrunbooks.ops..", "io.pgrunbooks.client..")
        .because("the worker wires activities, never the other way round (DESIGN.md section 2)")
        .check(CLASSES);
  }

  @Test
  void noPackageCycles() {
    slices().matching("io.pgrunbooks.activities.(*)..").should().beFreeOfCycles().check(CLASSES);
  }
}
