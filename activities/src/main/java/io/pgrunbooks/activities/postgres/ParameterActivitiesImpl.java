package io.pgrunbooks.activities.postgres;

import static io.pgrunbooks.activities.ActivitySupport.firstLine;

import io.pgrunbooks.activities.Lookups;
import io.pgrunbooks.activities.postgres.ConnectionFactory.NodeConnectException;
import io.pgrunbooks.config.ClusterConfig;
import io.pgrunbooks.config.NodeConfig;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.rollingrestart.ParameterActivities;
import io.temporal.failure.ApplicationFailure;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** {@link ParameterActivities} over PgJDBC, with credentials from the worker's config. */
public class ParameterActivitiesImpl implements ParameterActivities {
  private static final String DATABASE = "postgres";
  // current_setting(name) prints the value with its unit (128MB) as SHOW does; missing_ok for unknown names.
  private static final String SETTINGS = "SELECT r.n, s.name, s.setting, current_setting(s.name, true), s.unit,"
      + " s.vartype, s.context, s.min_val, s.max_val, s.enumvals, s.pending_restart"
      + " FROM unnest(?::text[]) WITH ORDINALITY AS r(n, i) LEFT JOIN pg_settings s ON s.name = lower(r.n) ORDER BY r.i";

  private final RunbooksConfig config;
  private final ConnectionFactory connections;

  public ParameterActivitiesImpl(RunbooksConfig config, ConnectionFactory connections) {
    this.config = config;
    this.connections = connections;
  }

  @Override
  public ParameterFacts parameterFacts(ParameterFactsInput input) {
    ClusterConfig cluster = Lookups.cluster(config, input.cluster());
    List<NodeSettings> nodes = new ArrayList<>();
    for (NodeConfig n : cluster.nodes()) {
      try (Connection c = connections.open(input.cluster(), n.name(), DATABASE)) {
        boolean inRecovery;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
          rs.next();
          inRecovery = rs.getBoolean(1);
        }
        nodes.add(new NodeSettings(n.name(), true, inRecovery, null, settings(c, input.names())));
      } catch (NodeConnectException | SQLException e) {
        nodes.add(new NodeSettings(n.name(), false, null, firstLine(e.getMessage()), List.of()));
      }
    }
    return new ParameterFacts(input.cluster(), nodes);
  }

  @Override
  public String alterSystem(AlterSystemInput input) {
    ClusterConfig cluster = Lookups.cluster(config, input.cluster());
    if (cluster.onPatroni()) {
      // postgresql.auto.conf overrides what Patroni writes: ALTER SYSTEM on a Patroni node would pin the value.
      throw Lookups.badInput("cluster " + input.cluster() + " has topology patroni: its parameters are set through"
          + " Patroni's PATCH /config, never ALTER SYSTEM");
    }
    Lookups.node(cluster, input.cluster(), input.node());
    try (Connection c = connections.open(input.cluster(), input.node(), DATABASE)) {
      List<String> names = List.copyOf(input.parameters().keySet());
      List<Setting> known = settings(c, names);
      List<String> unknown = known.stream().filter(s -> !s.known()).map(Setting::requested).toList();
      if (!unknown.isEmpty()) {
        throw Lookups.badInput("unknown parameters on " + input.node() + ": " + String.join(", ", unknown));
      }
      c.setAutoCommit(true); // ALTER SYSTEM cannot run inside a transaction block
      try (Statement s = c.createStatement()) {
        for (Setting k : known) {
          // The name comes from pg_settings, the value is a quoted literal: nothing of the input is spliced raw.
          s.execute("ALTER SYSTEM SET " + Identifiers.quote(k.name()) + " = "
              + literal(input.parameters().get(k.requested())));
        }
        s.execute("SELECT pg_reload_conf()");
      }
      return input.node() + ": ALTER SYSTEM SET " + input.parameters() + "; pg_reload_conf()";
    } catch (NodeConnectException e) {
      throw ApplicationFailure.newFailure("cannot reach " + input.node() + ": " + e.getMessage(),
          FailureTypes.UNREACHABLE);
    } catch (SQLException e) {
      if ("22023".equals(e.getSQLState()) || "42704".equals(e.getSQLState())) {
        // invalid_parameter_value, undefined_object: PostgreSQL rejected the value; nothing retried.
        throw Lookups.badInput(input.node() + " rejected the value: " + firstLine(e.getMessage()));
      }
      throw new IllegalStateException("ALTER SYSTEM on " + input.node() + " failed: " + firstLine(e.getMessage()), e);
    }
  }

  private static List<Setting> settings(Connection c, List<String> names) throws SQLException {
    List<Setting> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(SETTINGS)) {
      ps.setArray(1, c.createArrayOf("text", names.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Array enums = rs.getArray(10);
          out.add(new Setting(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
              rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9),
              enums == null ? List.of() : Arrays.stream((Object[]) enums.getArray()).map(String::valueOf).toList(),
              rs.getBoolean(11)));
        }
      }
    }
    return out;
  }

  /** A standard-conforming string literal. */
  static String literal(String value) {
    if (value.indexOf('\0') >= 0) {
      throw Lookups.badInput("a parameter value must not contain a NUL character");
    }
    return "'" + value.strip().replace("'", "''") + "'";
  }
}
