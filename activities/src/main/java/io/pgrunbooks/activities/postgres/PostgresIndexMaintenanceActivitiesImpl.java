package io.pgrunbooks.activities.postgres;

import static io.pgrunbooks.activities.ActivitySupport.firstLine;

import io.pgrunbooks.activities.Lookups;
import io.pgrunbooks.config.NodeConfig;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.workflows.activities.IndexMaintenanceActivities;
import io.temporal.failure.ApplicationFailure;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** {@link IndexMaintenanceActivities} over PgJDBC: facts from every node, the drop on the current primary. */
public class PostgresIndexMaintenanceActivitiesImpl implements IndexMaintenanceActivities {
  private static final String FACTS = "SELECT ic.oid, t.relname, pg_get_indexdef(ic.oid), i.indisvalid,"
      + " pg_relation_size(ic.oid), (SELECT co.conname || ' (' || CASE co.contype WHEN 'p' THEN 'primary key'"
      + " WHEN 'u' THEN 'unique' ELSE 'exclusion' END || ')' FROM pg_constraint co WHERE co.conindid = ic.oid"
      + " AND co.contype IN ('p', 'u', 'x') LIMIT 1), tn.nspname"
      + " FROM pg_class ic JOIN pg_namespace n ON n.oid = ic.relnamespace JOIN pg_index i ON i.indexrelid = ic.oid"
      + " JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace tn ON tn.oid = t.relnamespace"
      + " WHERE n.nspname = ? AND ic.relname = ? AND ic.relkind = 'i'";

  private final RunbooksConfig config;
  private final ConnectionFactory connections;

  public PostgresIndexMaintenanceActivitiesImpl(RunbooksConfig config, ConnectionFactory connections) {
    this.config = config;
    this.connections = connections;
  }

  @Override
  public IndexFacts inspectIndex(IndexRef ref) {
    String[] parts = Identifiers.split(ref.index(), "index");
    List<String> notes = new ArrayList<>();
    try (Primary p = Primary.open(config, connections, ref.cluster(), ref.database())) {
      IndexFacts base;
      try (PreparedStatement ps = p.connection().prepareStatement(FACTS)) {
        ps.setString(1, parts[0]);
        ps.setString(2, parts[1]);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            throw Lookups.badInput("index " + ref.index() + " does not exist in database " + ref.database());
          }
          base = new IndexFacts(ref.index(), rs.getString(7) + "." + rs.getString(2), rs.getString(3),
              rs.getBoolean(4), rs.getLong(5), rs.getString(6), List.of(), notes);
        }
      }
      List<NodeScans> scans = new ArrayList<>();
      for (NodeConfig n : Lookups.cluster(config, ref.cluster()).nodes()) {
        scans.add(scansOn(ref, n.name(), n.name().equals(p.node()), parts));
      }
      return new IndexFacts(base.index(), base.table(), base.definition(), base.valid(), base.bytes(), base.constraint(),
          scans, notes);
    } catch (SQLException e) {
      throw ApplicationFailure.newFailure("reading " + ref.index() + " failed: " + firstLine(e.getMessage()),
          PostgresActivitiesImpl.SQL_ERROR);
    }
  }

  /** idx_scan as the node itself counts it: a replica's own queries are counted only there. */
  private NodeScans scansOn(IndexRef ref, String node, boolean primary, String[] parts) {
    try (Connection c = connections.open(ref.cluster(), node, ref.database());
         PreparedStatement ps = c.prepareStatement("SELECT s.idx_scan, (SELECT stats_reset::text FROM pg_stat_database"
             + " WHERE datname = current_database()), pg_is_in_recovery() FROM pg_stat_all_indexes s"
             + " WHERE s.schemaname = ? AND s.indexrelname = ?")) {
      ps.setString(1, parts[0]);
      ps.setString(2, parts[1]);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return new NodeScans(node, !primary, -1, null, "no statistics row for the index");
        }
        String reset = rs.getString(2);
        return new NodeScans(node, rs.getBoolean(3), rs.getLong(1), reset == null ? "the database's creation" : reset,
            null);
      }
    } catch (ConnectionFactory.NodeConnectException | SQLException e) {
      return new NodeScans(node, !primary, -1, null, firstLine(e.getMessage()));
    }
  }

  @Override
  public ReindexFacts inspectReindex(ReindexTarget target) {
    try (Primary p = Primary.open(config, connections, target.cluster(), target.database())) {
      return ReindexSql.facts(p.connection(), p.node(), target);
    } catch (SQLException e) {
      throw ApplicationFailure.newFailure("reading the indexes to rebuild failed: " + firstLine(e.getMessage()),
          PostgresActivitiesImpl.SQL_ERROR);
    }
  }

  @Override
  public List<IndexSize> reindex(ReindexTarget target) {
    try (Primary p = Primary.open(config, connections, target.cluster(), target.database());
         Connection watch = connections.open(target.cluster(), p.node(), target.database())) {
      return ReindexSql.reindex(p.connection(), watch, target, p.node());
    } catch (ConnectionFactory.NodeConnectException e) {
      throw ApplicationFailure.newFailure("cannot watch the reindex: " + e.getMessage(), "Unreachable");
    } catch (SQLException e) {
      throw ApplicationFailure.newFailure("reindex failed: " + firstLine(e.getMessage()), PostgresActivitiesImpl.SQL_ERROR);
    }
  }

  @Override
  public String reindexProgress(ReindexTarget target) {
    try (Primary p = Primary.open(config, connections, target.cluster(), target.database())) {
      return ReindexSql.progress(p.connection(), target);
    } catch (SQLException e) {
      throw ApplicationFailure.newFailure("reading the reindex progress failed: " + firstLine(e.getMessage()),
          PostgresActivitiesImpl.SQL_ERROR);
    }
  }

  @Override
  public DroppedIndex dropIndex(IndexRef ref) {
    String[] parts = Identifiers.split(ref.index(), "index");
    try (Primary p = Primary.open(config, connections, ref.cluster(), ref.database())) {
      long bytes;
      try (PreparedStatement ps = p.connection().prepareStatement(FACTS)) {
        ps.setString(1, parts[0]);
        ps.setString(2, parts[1]);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return new DroppedIndex(true, 0);
          }
          if (rs.getString(6) != null) {
            throw Lookups.badInput(ref.index() + " enforces constraint " + rs.getString(6) + "; not dropped");
          }
          bytes = rs.getLong(5);
        }
      }
      try (Statement st = p.connection().createStatement()) {
        st.execute("SET lock_timeout = '10s'");
        st.execute("DROP INDEX CONCURRENTLY IF EXISTS " + Identifiers.quote(parts[0], parts[1]));
      }
      return new DroppedIndex(false, bytes);
    } catch (SQLException e) {
      throw ApplicationFailure.newFailure("dropping " + ref.index() + " failed: " + firstLine(e.getMessage()),
          PostgresActivitiesImpl.SQL_ERROR);
    }
  }
}
