package io.pgrunbooks.client;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** DESIGN.md section 2: the client talks to Temporal; it knows workflow contracts, never activity code or a process. */
class ClientLayeringTest {
  @Test
  void clientNeverImportsActivitiesOrProcesses() {
    noClasses().that().resideInAPackage("io.pgrunbooks.client..")
        .should().dependOnClassesThat().resideInAnyPackage("io.pgrunbooks.activities..", "io.pgrunbooks.worker..",
            "io.pgrunbooks.api..", "io.pgrunbooks.ops..")
        .check(new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.pgrunbooks.client"));
  }
}
