package io.pgrunbooks.workflows.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgrunbooks.workflows.common.DataConverters;
import java.util.List;
import org.junit.jupiter.api.Test;

class InputErrorsTest {
  private static final ObjectMapper JSON = DataConverters.objectMapper();

  private static JsonNode json(String s) throws JsonProcessingException {
    return JSON.readTree(s);
  }

  private static List<String> messages(String type, String input) throws JsonProcessingException {
    return InputErrors.check(type, json(input)).stream().map(InputErrors.Problem::message).toList();
  }

  @Test
  void misspelledFieldSuggestsTheClosestAndListsTheAcceptedOnes() throws Exception {
    assertThat(messages("ArchivePartition", """
        {"cluster": "main", "database": "app", "partition": "public.t_2025_01", "dryrun": true}"""))
        .containsExactly("unknown input field \"dryrun\" for ArchivePartition; did you mean \"dryRun\"? Its fields: "
            + "cluster, database, partition, drop, force, deepVerify, dryRun, requestedBy, reason");
  }

  @Test
  void parentOnlyFieldsBindButAreNeverOfferedToAPerson() throws Exception {
    assertThat(messages("PartitionMaintenance", """
        {"cluster": "main", "database": "app", "evidenceOnly": true, "delegatedApproval": null}""")).isEmpty();
    List<String> misspelled = messages("PartitionMaintenance", """
        {"cluster": "main", "database": "app", "evidenceOnli": true}""");
    assertThat(misspelled).hasSize(1);
    assertThat(misspelled.get(0)).startsWith("unknown input field \"evidenceOnli\" for PartitionMaintenance; its fields: ")
        .contains("cluster", "dryRun").doesNotContain("evidenceOnly", "delegatedApproval");
  }

  @Test
  void farOffFieldGetsNoSuggestionButTheList() throws Exception {
    assertThat(messages("HealthCheck", "{\"cluster\": \"main\", \"colour\": \"blue\"}"))
        .containsExactly("unknown input field \"colour\" for HealthCheck; its fields: cluster, dryRun, requestedBy, reason");
  }

  @Test
  void wrongTypesAreNamedWithWhatTheFieldTakes() throws Exception {
    assertThat(messages("TerminateSessions", """
        {"cluster": "main", "maxSessions": "ten", "cancelFirst": "yes", "database": 5}"""))
        .containsExactly(
            "field \"maxSessions\" of TerminateSessions must be a whole number, got \"ten\"",
            "field \"cancelFirst\" of TerminateSessions must be true or false, got \"yes\"",
            "field \"database\" of TerminateSessions must be a string, got 5");
    assertThat(messages("VacuumAnalyze", """
        {"cluster": "main", "database": "app", "tables": "public.t", "minDeadTupleRatio": "much"}"""))
        .containsExactly(
            "field \"tables\" of VacuumAnalyze must be a list of strings, got \"public.t\"",
            "field \"minDeadTupleRatio\" of VacuumAnalyze must be a number, got \"much\"");
  }

  @Test
  void missingRequiredFieldsAreNamedOnce() throws Exception {
    List<InputErrors.Problem> problems = InputErrors.check("ArchivePartition", json("{\"cluster\": \"main\"}"));
    assertThat(problems).extracting(InputErrors.Problem::field).containsExactly("database", "partition");
    assertThat(problems.get(0).message()).isEqualTo("ArchivePartition needs fields \"database\", \"partition\" in its "
        + "input (required: cluster, database, partition)");
  }

  @Test
  void anInputThatIsNotAnObjectIsSaidSo() throws Exception {
    assertThat(messages("HealthCheck", "[1, 2]"))
        .containsExactly("the input of HealthCheck must be a JSON object ({...}), got array");
  }

  @Test
  void malformedJsonSaysWhere() {
    try {
      JSON.readTree("{\"cluster\": \"main\",}");
    } catch (JsonProcessingException e) {
      assertThat(InputErrors.malformed("--input", e)).startsWith("--input is not valid JSON at line 1, column 20: ");
      return;
    }
    throw new AssertionError("parsed");
  }

  @Test
  void aGoodInputHasNoProblems() throws Exception {
    assertThat(messages("ArchivePartition", """
        {"cluster": "main", "database": "app", "partition": "public.t_2025_01", "drop": false, "dryRun": true}"""))
        .isEmpty();
  }

  @Test
  void closestIgnoresCaseAndRefusesFarNames() {
    assertThat(InputErrors.closest("DRYRUN", List.of("cluster", "dryRun"))).isEqualTo("dryRun");
    assertThat(InputErrors.closest("maxSesions", List.of("cluster", "maxSessions"))).isEqualTo("maxSessions");
    assertThat(InputErrors.closest("zzz", List.of("cluster", "dryRun"))).isNull();
    assertThat(InputErrors.distance("kitten", "sitting")).isEqualTo(3);
  }
}
