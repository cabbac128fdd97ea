package io.pgrunbooks.workflows.rollingrestart;

import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.rollingrestart.ParameterActivities.NodeSettings;
import io.pgrunbooks.workflows.rollingrestart.ParameterActivities.ParameterFacts;
import io.pgrunbooks.workflows.rollingrestart.ParameterActivities.Setting;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** The decisions of {@code RollingRestart}, on facts the activities read. Pure. */
final class ParameterRules {
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]{0,62}");
  /**
   * A replica refuses hot standby (PostgreSQL 14+: pauses replay) when one of these is lower than on the primary, so
   * lowering them replica-first would stall every restarted replica.
   */
  static final Set<String> NOT_LOWER_ON_REPLICAS = Set.of("max_connections", "max_worker_processes",
      "max_wal_senders", "max_prepared_transactions", "max_locks_per_transaction");

  /**
   * One validated change.
   *
   * @param name {@code pg_settings.name}
   * @param value as requested (what ALTER SYSTEM / Patroni gets)
   * @param live the form {@code pg_settings.setting} shows once live
   * @param restart a {@code postmaster} parameter
   */
  record Change(String name, String value, String live, boolean restart) {}

  private ParameterRules() {}

  /** Input shape, before anything is read: BadInput naming every problem. */
  static void requireInput(RollingRestartInput input) {
    if (input == null || input.cluster() == null || input.cluster().isBlank() || input.parameters() == null
        || input.parameters().isEmpty()) {
      throw badInput("RollingRestart needs a cluster and at least one parameter, e.g. {\"cluster\": \"main\", "
          + "\"parameters\": {\"max_connections\": \"200\"}, \"reason\": \"...\"}");
    }
    List<String> problems = new ArrayList<>();
    input.parameters().forEach((name, value) -> {
      if (name == null || !NAME.matcher(name).matches()) {
        problems.add("'" + name + "' is not a parameter name");
      } else if (value == null || value.isBlank()) {
        problems.add(name + " has no value");
      }
    });
    if (!problems.isEmpty()) {
      throw badInput("bad parameters: " + String.join("; ", problems));
    }
  }

  /**
   * The changes, checked against the primary's {@code pg_settings}: unknown names, values PostgreSQL would reject,
   * parameters that a reload or restart does not set server-wide, and lowering a hot-standby parameter. BadInput
   * naming every problem at once.
   */
  static List<Change> validate(Map<String, String> requested, NodeSettings primary) {
    List<String> problems = new ArrayList<>();
    List<Change> changes = new ArrayList<>();
    requested.forEach((name, value) -> {
      Setting s = primary.setting(name);
      if (s == null || !s.known()) {
        problems.add("unknown parameter '" + name + "' (not in pg_settings on " + primary.node() + ")");
        return;
      }
      if (!"postmaster".equals(s.context()) && !"sighup".equals(s.context())) {
        problems.add(s.name() + " has context " + s.context() + ": this runbook changes server-wide parameters that"
            + " take a restart (postmaster) or a reload (sighup); set it with ALTER ROLE / ALTER DATABASE instead");
        return;
      }
      String live;
      try {
        live = SettingValues.normalize(s, value);
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
        return;
      }
      if (NOT_LOWER_ON_REPLICAS.contains(s.name()) && Double.parseDouble(live) < Double.parseDouble(s.setting())) {
        problems.add(s.name() + " " + s.setting() + " → " + live + " is a decrease: a replica with a lower value than"
            + " its primary stops replaying, so a rolling restart cannot lower it; restart all nodes together instead");
        return;
      }
      changes.add(new Change(s.name(), value.strip(), live, "postmaster".equals(s.context())));
    });
    if (!problems.isEmpty()) {
      throw badInput("RollingRestart refused, nothing was changed: " + String.join("; ", problems));
    }
    return List.copyOf(changes);
  }

  /**
   * Every change is live on the node and none of them waits for a restart.
   *
   * @param pending the topology backend says the node waits for a restart (Patroni's {@code pending_restart}, which
   *     also covers the parameters Patroni passes on the command line, invisible to {@code pg_settings})
   */
  static boolean live(NodeSettings node, List<Change> changes, boolean pending) {
    return node.reachable() && !(pending && changes.stream().anyMatch(Change::restart)) && changes.stream().allMatch(c -> {
      Setting s = setting(node, c);
      return s != null && !s.pendingRestart() && SettingValues.live(s, c.live());
    });
  }

  /** The node needs a restart: a restart parameter is not live yet (or waits for its restart). */
  static boolean needsRestart(NodeSettings node, List<Change> changes, boolean pending) {
    return changes.stream().filter(Change::restart).anyMatch(c -> {
      if (pending) {
        return true;
      }
      Setting s = setting(node, c);
      return s == null || s.pendingRestart() || !SettingValues.live(s, c.live());
    });
  }

  /** The change reached the node's configuration: live already, or waiting for a restart. */
  static boolean applied(NodeSettings node, List<Change> changes, boolean pending) {
    return node.reachable() && changes.stream().allMatch(c -> {
      Setting s = setting(node, c);
      return s != null && (SettingValues.live(s, c.live()) || c.restart() && (pending || s.pendingRestart()));
    });
  }

  /** One line per node and parameter: current → new, and what makes it live. */
  static List<String> diff(ParameterFacts facts, List<Change> changes, String primary, Set<String> pending) {
    List<String> lines = new ArrayList<>();
    for (NodeSettings n : facts.nodes()) {
      String role = n.node().equals(primary) ? " (primary)" : " (replica)";
      for (Change c : changes) {
        Setting s = setting(n, c);
        String now = s == null ? "?" : s.shown();
        boolean waits = s == null || s.pendingRestart() || c.restart() && pending.contains(n.node());
        String how = s != null && SettingValues.live(s, c.live()) && !waits ? "already live"
            : c.restart() ? "restart" : "reload";
        lines.add(n.node() + role + ": " + c.name() + " " + now + " → " + c.value() + " (" + how + ")");
      }
    }
    return lines;
  }

  /** Nodes that do not answer: a rolling restart needs every node. */
  static void requireAllReachable(ParameterFacts facts) {
    List<String> down = facts.nodes().stream().filter(n -> !n.reachable())
        .map(n -> n.node() + " (" + n.error() + ")").toList();
    if (!down.isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure("RollingRestart needs every node up; not answering: "
          + String.join(", ", down) + ". Nothing more was changed", FailureTypes.SAFETY_REFUSED);
    }
    if (facts.primary() == null) {
      throw ApplicationFailure.newNonRetryableFailure("RollingRestart needs exactly one primary; found "
          + facts.nodes().stream().filter(n -> Boolean.FALSE.equals(n.inRecovery())).map(NodeSettings::node).toList()
          + ". Nothing more was changed", FailureTypes.SAFETY_REFUSED);
    }
  }

  /** What is not right after the run: a pending restart or a value that is not live, per node. */
  static List<String> verify(ParameterFacts facts, List<Change> changes, Set<String> pending) {
    List<String> problems = new ArrayList<>();
    for (NodeSettings n : facts.nodes()) {
      if (!n.reachable()) {
        problems.add(n.node() + " does not answer (" + n.error() + ")");
        continue;
      }
      if (pending.contains(n.node())) {
        problems.add(n.node() + ": Patroni still reports a pending restart");
      }
      for (Change c : changes) {
        Setting s = setting(n, c);
        if (s == null || !SettingValues.live(s, c.live())) {
          problems.add(n.node() + ": " + c.name() + " is " + (s == null ? "?" : s.shown()) + ", not " + c.value());
        } else if (s.pendingRestart()) {
          problems.add(n.node() + ": " + c.name() + " still waits for a restart");
        }
      }
    }
    return problems;
  }

  /** Name → value for ALTER SYSTEM / Patroni, in input order, spelled as pg_settings spells the names. */
  static Map<String, String> values(List<Change> changes) {
    Map<String, String> m = new LinkedHashMap<>();
    changes.forEach(c -> m.put(c.name(), c.value()));
    return m;
  }

  private static Setting setting(NodeSettings node, Change c) {
    return node.settings().stream().filter(s -> c.name().equals(s.name())).findFirst().orElse(null);
  }

  private static ApplicationFailure badInput(String message) {
    return ApplicationFailure.newNonRetryableFailure(message, FailureTypes.BAD_INPUT);
  }
}
