package io.pgrunbooks.workflows.rollingrestart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrunbooks.workflows.rollingrestart.ParameterActivities.NodeSettings;
import io.pgrunbooks.workflows.rollingrestart.ParameterActivities.ParameterFacts;
import io.pgrunbooks.workflows.rollingrestart.ParameterActivities.Setting;
import io.pgrunbooks.workflows.rollingrestart.ParameterRules.Change;
import io.temporal.failure.ApplicationFailure;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ParameterRulesTest {
  private static final Setting MAX_CONNECTIONS = setting("max_connections", "100", null, "integer", "postmaster",
      "1", "262143", false);
  private static final Setting SHARED_BUFFERS = setting("shared_buffers", "16384", "8kB", "integer", "postmaster",
      "16", "1073741823", false);
  private static final Setting CHECKPOINT_TIMEOUT = setting("checkpoint_timeout", "300", "s", "integer", "sighup",
      "30", "86400", false);
  private static final Setting WAL_LEVEL = new Setting("wal_level", "wal_level", "replica", "replica", null, "enum",
      "postmaster", null, null, List.of("minimal", "replica", "logical"), false);
  private static final Setting HOT_STANDBY_FEEDBACK = setting("hot_standby_feedback", "off", null, "bool", "sighup",
      null, null, false);
  private static final Setting WORK_MEM = setting("work_mem", "4096", "kB", "integer", "user", "64", "2147483647",
      false);

  @Test
  void valuesWithUnitsAreReadInTheParametersOwnUnit() {
    assertThat(SettingValues.normalize(SHARED_BUFFERS, "256MB")).isEqualTo("32768");
    assertThat(SettingValues.normalize(SHARED_BUFFERS, "20000")).isEqualTo("20000");
    assertThat(SettingValues.normalize(CHECKPOINT_TIMEOUT, "10min")).isEqualTo("600");
    assertThat(SettingValues.normalize(CHECKPOINT_TIMEOUT, " 90s ")).isEqualTo("90");
    assertThat(SettingValues.normalize(HOT_STANDBY_FEEDBACK, "TRUE")).isEqualTo("on");
    assertThat(SettingValues.normalize(WAL_LEVEL, "Logical")).isEqualTo("logical");
  }

  @Test
  void valuesPostgresqlWouldRejectAreExplained() {
    assertThatThrownBy(() -> SettingValues.normalize(MAX_CONNECTIONS, "lots")).hasMessage(
        "max_connections is a number, not 'lots'");
    assertThatThrownBy(() -> SettingValues.normalize(MAX_CONNECTIONS, "0")).hasMessage(
        "max_connections = '0' is outside its range 1 .. 262143");
    assertThatThrownBy(() -> SettingValues.normalize(MAX_CONNECTIONS, "10MB")).hasMessage(
        "max_connections = '10MB': unit MB is not valid for it (it takes no unit)");
    assertThatThrownBy(() -> SettingValues.normalize(CHECKPOINT_TIMEOUT, "5GB")).hasMessageContaining(
        "unit GB is not valid for it; valid units: d, h, min, ms, s, us");
    assertThatThrownBy(() -> SettingValues.normalize(WAL_LEVEL, "archive")).hasMessage(
        "wal_level must be one of minimal, replica, logical, not 'archive'");
    assertThatThrownBy(() -> SettingValues.normalize(HOT_STANDBY_FEEDBACK, "maybe")).hasMessage(
        "hot_standby_feedback is a boolean: give on or off, not 'maybe'");
  }

  @Test
  void everyProblemIsNamedAtOnce() {
    Map<String, String> asked = new LinkedHashMap<>();
    asked.put("max_conections", "150");
    asked.put("work_mem", "64MB");
    asked.put("max_connections", "50");
    asked.put("shared_buffers", "1kB");
    assertThatThrownBy(() -> ParameterRules.validate(asked, node("pg1", false, MAX_CONNECTIONS, SHARED_BUFFERS,
        WORK_MEM, missing("max_conections")))).isInstanceOf(ApplicationFailure.class)
        .hasMessageContaining("unknown parameter 'max_conections' (not in pg_settings on pg1)")
        .hasMessageContaining("work_mem has context user")
        .hasMessageContaining("max_connections 100 → 50 is a decrease")
        .hasMessageContaining("shared_buffers = '1kB' is outside its range 16 .. 1073741823 (unit 8kB)");
  }

  @Test
  void aPendingRestartOrAValueNotLiveIsFoundByVerify() {
    List<Change> changes = ParameterRules.validate(Map.of("max_connections", "150"), node("pg1", false,
        MAX_CONNECTIONS));
    assertThat(changes).containsExactly(new Change("max_connections", "150", "150", true));
    Setting live = setting("max_connections", "150", null, "integer", "postmaster", "1", "262143", false);
    Setting pending = setting("max_connections", "100", null, "integer", "postmaster", "1", "262143", true);
    ParameterFacts facts = new ParameterFacts("main", List.of(node("pg1", false, live), node("pg2", true, pending)));

    assertThat(ParameterRules.verify(facts, changes, Set.of())).containsExactly("pg2: max_connections is 100, not 150");
    assertThat(ParameterRules.verify(facts, changes, Set.of("pg1"))).contains(
        "pg1: Patroni still reports a pending restart");
    assertThat(ParameterRules.needsRestart(facts.node("pg1"), changes, false)).isFalse();
    assertThat(ParameterRules.needsRestart(facts.node("pg1"), changes, true)).isTrue();
    assertThat(ParameterRules.applied(facts.node("pg2"), changes, false)).isTrue();
    assertThat(ParameterRules.diff(facts, changes, "pg1", Set.of())).containsExactly(
        "pg1 (primary): max_connections 150 → 150 (already live)", "pg2 (replica): max_connections 100 → 150 (restart)");
  }

  @Test
  void inputWithoutParametersOrWithJunkNamesIsRefused() {
    assertThatThrownBy(() -> ParameterRules.requireInput(new RollingRestartInput("main", Map.of(), false, null, null)))
        .hasMessageContaining("needs a cluster and at least one parameter");
    assertThatThrownBy(() -> ParameterRules.requireInput(new RollingRestartInput("main",
        Map.of("x; DROP TABLE t", "1"), false, null, null))).hasMessageContaining("is not a parameter name");
  }

  private static Setting setting(String name, String value, String unit, String type, String context, String min,
                                 String max, boolean pending) {
    return new Setting(name, name, value, value, unit, type, context, min, max, List.of(), pending);
  }

  private static Setting missing(String name) {
    return new Setting(name, null, null, null, null, null, null, null, null, List.of(), false);
  }

  private static NodeSettings node(String name, boolean replica, Setting... settings) {
    return new NodeSettings(name, true, replica, null, List.of(settings));
  }
}
