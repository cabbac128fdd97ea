package io.pgrunbooks.workflows.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * DESIGN.md section 5, layer 2: every stored history replays against today's workflow code. A
 * failure here means a change to workflow logic would break runs in flight: put it behind
 * {@code Workflow.getVersion(...)}, or, for a deliberate change with no runs in flight, re-record
 * (README in {@code src/test/resources/histories/}).
 */
class ReplayAllHistoriesTest {

  static Stream<Path> histories() throws IOException {
    Path dir = HistoryScenarios.directory();
    if (!Files.isDirectory(dir)) {
      return Stream.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList().stream();
    }
  }

  @Test
  void everyRecordedPathHasAStoredHistory() throws IOException {
    List<String> stored = histories().map(f -> f.getFileName().toString()).toList();

    assertThat(stored).as("histories in %s", HistoryScenarios.directory()).isNotEmpty();
    assertThat(stored).containsAll(HistoryScenarios.ALL.stream().map(HistoryScenario::fileName).toList());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("histories")
  void replaysWithoutNonDeterminism(Path file) throws Exception {
    HistoryReplay.replay(HistoryReplay.read(file), HistoryScenarios.WORKFLOW_IMPLEMENTATIONS);
  }
}
