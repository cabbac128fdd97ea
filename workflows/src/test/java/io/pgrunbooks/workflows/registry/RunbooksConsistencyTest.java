package io.pgrunbooks.workflows.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.workflows.runbook.Runbook;
import io.pgrunbooks.workflows.common.WorkflowIds;
import io.pgrunbooks.workflows.common.WorkflowTypes;
import io.pgrunbooks.workflows.lock.TopologyLockWorkflow;
import io.pgrunbooks.workflows.replay.HistoryScenario;
import io.pgrunbooks.workflows.replay.HistoryScenarios;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@link Runbooks#ALL} is the single list of runbooks: each spec has an implementation, stored replay
 * histories, a README row in both tables and a docs page, and none of those exists without a spec.
 * {@code -Dregenerate.runbooks=true} rewrites the config module's copy of the list.
 */
class RunbooksConsistencyTest {
  private static final Path ROOT =
      Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).resolve("..").toAbsolutePath().normalize();
  /** Workflows with histories that are not runbooks: the lock runbooks share, the approval gate's test runbook. */
  private static final Set<String> INTERNAL_WORKFLOWS = Set.of(TopologyLockWorkflow.TYPE, "GatedTest",
      io.pgrunbooks.workflows.partitionmaintenance.PartitionBatchWorkflow.TYPE);
  /** Pages of ops/docs that are about the whole system, not one runbook. */
  private static final Set<String> GENERAL_PAGES =
      Set.of("api.md", "schedules.md", "pitfalls.md", "adding-a-runbook.md", "crash-sweep.md", "containers.md",
          "audit-trail.md", "worker-sizing.md", "notifications.md", "patroni.md");

  @Test
  void everySpecNamesAConcreteImplementationOfItsWorkflowInterface() {
    for (RunbookSpec spec : Runbooks.ALL) {
      assertThat(Modifier.isAbstract(spec.implementation().getModifiers())).as(spec.type()).isFalse();
      assertThat(spec.workflow()).as(spec.type()).isInterface();
      assertThat(spec.workflow().isAssignableFrom(spec.implementation())).as(spec.type()).isTrue();
      assertThat(Runbooks.workflowImplementations()).contains(spec.implementation());
      if (!spec.required().containsAll(spec.idFields())) {
        assertThat(spec.idFieldHint()).as("%s: an optional field in its id needs idFieldHint", spec.type()).isNotBlank();
      }
    }
  }

  @Test
  void everyRunbookImplementationInTheModuleHasASpec() throws Exception {
    Path classes = Path.of(Runbooks.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Set<Class<?>> specified = Runbooks.ALL.stream().map(RunbookSpec::implementation).collect(Collectors.toSet());
    // A runbook's internal child (PartitionMaintenance's batches) speaks the runbook messages but has no spec.
    specified.add(io.pgrunbooks.workflows.partitionmaintenance.PartitionBatchWorkflowImpl.class);
    List<String> orphans = new ArrayList<>();
    try (Stream<Path> files = Files.walk(classes)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".class") && !p.toString().contains("$")).toList()) {
        String name = classes.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", "");
        Class<?> c = Class.forName(name, false, getClass().getClassLoader());
        if (Runbook.class.isAssignableFrom(c) && !c.isInterface() && !Modifier.isAbstract(c.getModifiers())
            && !specified.contains(c)) {
          orphans.add(name);
        }
      }
    }
    assertThat(orphans).as("runbook implementations without a spec in Runbooks.ALL").isEmpty();
  }

  @Test
  void theTypeConstantsAreTheSpecifiedRunbooks() throws Exception {
    Set<String> constants = new LinkedHashSet<>();
    for (Field f : WorkflowTypes.class.getFields()) {
      if (f.getType() == String.class && Modifier.isStatic(f.getModifiers())) {
        constants.add((String) f.get(null));
      }
    }
    assertThat(constants).containsExactlyInAnyOrderElementsOf(Runbooks.types());
  }

  @Test
  void theWorkflowIdHelpersBuildTheSpecifiedIds() throws Exception {
    for (RunbookSpec spec : Runbooks.ALL) {
      String method = Character.toLowerCase(spec.type().charAt(0)) + spec.type().substring(1);
      Method m = WorkflowIds.class.getMethod(method, spec.idFields().stream().map(x -> String.class)
          .toArray(Class<?>[]::new));
      // For alternatives {a|b} the helper takes the value that is used: the first one's.
      Object[] values = spec.idFields().stream().map(f -> "v-" + f.split("\\|")[0]).toArray();
      assertThat(m.invoke(null, values)).as(spec.type())
          .isEqualTo(spec.workflowId(f -> "v-" + f));
    }
    Set<String> helpers = Stream.of(WorkflowIds.class.getDeclaredMethods())
        .filter(m -> Modifier.isPublic(m.getModifiers())).map(Method::getName).collect(Collectors.toSet());
    Set<String> expected = Runbooks.types().stream()
        .map(t -> Character.toLowerCase(t.charAt(0)) + t.substring(1)).collect(Collectors.toSet());
    assertThat(helpers).as("WorkflowIds helpers without a spec").isSubsetOf(expected);
  }

  @Test
  void everySpecHasStoredReplayHistoriesAndEveryHistoryASpec() throws IOException {
    Set<String> withHistory = new LinkedHashSet<>();
    try (Stream<Path> files = Files.list(HistoryScenarios.directory())) {
      files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".json"))
          .forEach(n -> withHistory.add(n.substring(0, n.indexOf('-'))));
    }
    Set<String> scenarios = HistoryScenarios.ALL.stream().map(HistoryScenario::runbook).collect(Collectors.toSet());
    for (String type : Runbooks.types()) {
      assertThat(withHistory).as("stored histories of %s", type).contains(type);
      assertThat(scenarios).as("HistoryScenarios paths of %s", type).contains(type);
    }
    withHistory.removeAll(Runbooks.types());
    withHistory.removeAll(INTERNAL_WORKFLOWS);
    assertThat(withHistory).as("stored histories of workflows that have no spec").isEmpty();
  }

  @Test
  void everySpecHasAReadmeRowInBothTablesAndEveryRowASpec() throws IOException {
    String readme = Files.readString(ROOT.resolve("README.md"));
    List<List<String>> runbooks = table(readme, "## Runbooks");
    List<List<String>> ui = table(readme, "## From the Temporal UI");
    for (RunbookSpec spec : Runbooks.ALL) {
      List<String> row = row(runbooks, spec.type());
      assertThat(row).as("README Runbooks row of %s", spec.type()).isNotNull();
      for (String entry : spec.required()) {
        for (String field : entry.split("\\|")) {
          assertThat(row.get(1)).as("%s required fields", spec.type()).contains("**" + field + "**");
        }
      }
      assertThat(row.get(2)).as("%s workflow id", spec.type()).startsWith("`" + spec.idPrefix() + ":");
      assertThat(row.get(3)).as("%s docs link", spec.type()).contains("(" + spec.docs() + ")");
      List<String> uiRow = row(ui, spec.type());
      assertThat(uiRow).as("README Temporal UI row of %s", spec.type()).isNotNull();
      assertThat(uiRow.get(2)).as("%s UI workflow id", spec.type()).startsWith("`" + spec.idPrefix() + ":");
    }
    for (List<List<String>> t : List.of(runbooks, ui)) {
      assertThat(t.stream().map(r -> r.get(0).replace("`", "")).toList())
          .as("README rows without a spec").isSubsetOf(Runbooks.types());
    }
  }

  @Test
  void everySpecHasADocsPageWithItsSectionAndEveryRunbookPageASpec() throws IOException {
    Set<String> linked = new LinkedHashSet<>();
    for (RunbookSpec spec : Runbooks.ALL) {
      assertThat(spec.docs()).as("%s docs", spec.type()).startsWith("ops/docs/");
      String[] parts = spec.docs().split("#", 2);
      Path page = ROOT.resolve(parts[0]);
      assertThat(page).as("%s docs page", spec.type()).exists();
      linked.add(page.getFileName().toString());
      if (parts.length == 2) {
        assertThat(anchors(Files.readString(page))).as("sections of %s", parts[0]).contains(parts[1]);
      }
    }
    try (Stream<Path> pages = Files.list(ROOT.resolve("ops/docs"))) {
      List<String> orphans = pages.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".md"))
          .filter(n -> !linked.contains(n) && !GENERAL_PAGES.contains(n)).toList();
      assertThat(orphans).as("ops/docs pages that are neither a runbook's (no spec) nor listed in GENERAL_PAGES").isEmpty();
    }
  }

  @Test
  void theConfigModuleReadsTheSameList() throws IOException {
    String expected = ConfigVocabulary.configVocabulary();
    List<Path> copies = List.of(
        ROOT.resolve("workflows/src/main/resources").resolve(ConfigVocabulary.CONFIG_RESOURCE),
        ROOT.resolve("config/src/test/resources").resolve(ConfigVocabulary.CONFIG_RESOURCE));
    if (Boolean.getBoolean("regenerate.runbooks")) {
      for (Path copy : copies) {
        Files.createDirectories(copy.getParent());
        Files.writeString(copy, expected);
      }
    }
    for (Path copy : copies) {
      assertThat(copy).as("%s (regenerate with -Dregenerate.runbooks=true)", copy).hasContent(expected);
    }
  }

  private static List<List<String>> table(String markdown, String heading) {
    int at = markdown.indexOf("\n" + heading + "\n");
    assertThat(at).as("README section %s", heading).isNotNegative();
    List<List<String>> rows = new ArrayList<>();
    boolean inTable = false;
    for (String line : markdown.substring(at + heading.length() + 2).split("\n")) {
      if (line.startsWith("|")) {
        inTable = true;
        List<String> cells = Stream.of(line.substring(1, line.length() - (line.endsWith("|") ? 1 : 0))
            .split(" \\| ")).map(String::strip).toList();
        if (!cells.get(0).startsWith("---") && !cells.get(0).equals("workflow type")) {
          rows.add(cells);
        }
      } else if (inTable) {
        break;
      }
    }
    return rows;
  }

  private static List<String> row(List<List<String>> table, String type) {
    return table.stream().filter(r -> r.get(0).equals("`" + type + "`")).findFirst().orElse(null);
  }

  /** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
  private static Set<String> anchors(String markdown) {
    Set<String> out = new LinkedHashSet<>();
    Matcher m = Pattern.compile("(?m)^#{1,6} (.+)$").matcher(markdown);
    while (m.find()) {
      out.add(m.group(1).strip().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 _-]", "").replace(' ', '-'));
    }
    return out;
  }
}
