package io.pgrunbooks.workflows.rollingrestart;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;
import java.util.Map;

/** Central SQL of {@code RollingRestart}: server parameters as {@code pg_settings} shows them, and ALTER SYSTEM. */
@ActivityInterface
public interface ParameterActivities {
  /**
   * The {@code pg_settings} rows of the named parameters on every configured node, with its role. A node that does
   * not answer is reported ({@code reachable false}), not failed; an unknown cluster is BadInput.
   */
  @ActivityMethod
  ParameterFacts parameterFacts(ParameterFactsInput input);

  /**
   * {@code ALTER SYSTEM SET} each parameter on {@code node} (primary or replica: each keeps its own
   * {@code postgresql.auto.conf}), then {@code pg_reload_conf()}. Setting the same value again is harmless, so a
   * retry converges. Names unknown to {@code pg_settings} are BadInput. Refused (BadInput) on a Patroni cluster,
   * whose parameters belong to Patroni's configuration.
   */
  @ActivityMethod
  String alterSystem(AlterSystemInput input);

  /** @param names parameter names as the run's input spells them */
  record ParameterFactsInput(String cluster, List<String> names) {}

  record AlterSystemInput(String cluster, String node, Map<String, String> parameters) {}

  record ParameterFacts(String cluster, List<NodeSettings> nodes) {
    /** The node that answers and is not in recovery; null when there is not exactly one. */
    @JsonIgnore
    public NodeSettings primary() {
      List<NodeSettings> p = nodes.stream().filter(n -> n.reachable() && Boolean.FALSE.equals(n.inRecovery())).toList();
      return p.size() == 1 ? p.get(0) : null;
    }

    public NodeSettings node(String name) {
      return nodes.stream().filter(n -> n.node().equals(name)).findFirst().orElse(null);
    }
  }

  /**
   * @param inRecovery {@code pg_is_in_recovery()}, null when the node did not answer
   * @param error why the node did not answer, null when it did
   */
  record NodeSettings(String node, boolean reachable, Boolean inRecovery, String error, List<Setting> settings) {
    /** The row of {@code name} (as requested), or null. */
    public Setting setting(String name) {
      return settings.stream().filter(s -> s.requested().equals(name)).findFirst().orElse(null);
    }
  }

  /**
   * One {@code pg_settings} row.
   *
   * @param requested the name as asked for
   * @param name {@code pg_settings.name}, null when PostgreSQL knows no such parameter
   * @param setting {@code pg_settings.setting} (integers in {@code unit})
   * @param shown {@code current_setting(name)}, with its unit as PostgreSQL prints it
   * @param enumvals allowed values of an enum parameter, else empty
   * @param pendingRestart the file value differs from the live one until a restart
   */
  record Setting(String requested, String name, String setting, String shown, String unit, String vartype,
                 String context, String min, String max, List<String> enumvals, boolean pendingRestart) {
    @JsonIgnore
    public boolean known() {
      return name != null;
    }
  }
}
