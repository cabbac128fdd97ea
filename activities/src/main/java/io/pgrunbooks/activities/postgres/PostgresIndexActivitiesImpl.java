package io.pgrunbooks.activities.postgres;

import static io.pgrunbooks.activities.ActivitySupport.firstLine;
import static io.pgrunbooks.activities.ActivitySupport.heartbeat;
import static io.pgrunbooks.activities.ActivitySupport.pause;

import io.pgrunbooks.activities.Lookups;
import io.pgrunbooks.activities.postgres.IndexCatalog.Index;
import io.pgrunbooks.activities.postgres.IndexCatalog.Table;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.workflows.activities.PostgresIndexActivities;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.createindex.IndexRules;
import io.temporal.failure.ApplicationFailure;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link PostgresIndexActivities} over PgJDBC on the current primary. Typed columns, predicates and definitions
 * are parsed by PostgreSQL through HypoPG (which builds only hypothetical indexes and ignores anything that is not
 * CREATE INDEX) inside a read-only transaction; the statement run later is HypoPG's deparse, not the typed text.
 */
public class PostgresIndexActivitiesImpl implements PostgresIndexActivities {
  /** Failure type when every attempt's lock_timeout expired; retryable (the activity retry tries again later). */
  public static final String LOCK_TIMEOUT = "LockTimeout";
  private static final Pattern DEFINITION = Pattern.compile("\\s*CREATE\\s+(UNIQUE\\s+)?INDEX\\s+ON\\s+.*",
      Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
  private static final Pattern DEPARSED = Pattern.compile("^CREATE (UNIQUE )?INDEX ON ");
  private static final int STATEMENTS = 5;

  private final RunbooksConfig config;
  private final ConnectionFactory connections;

  public PostgresIndexActivitiesImpl(RunbooksConfig config, ConnectionFactory connections) {
    this.config = config;
    this.connections = connections;
  }

  @Override
  public IndexPlan planCreateIndex(CreateIndexSpec spec) {
    try (Primary p = Primary.open(config, connections, spec.cluster(), spec.database())) {
      Connection c = p.connection();
      Table t = IndexCatalog.table(c, spec.table());
      if (!IndexCatalog.installed(c, "hypopg")) {
        throw Lookups.config("extension hypopg is not installed in database " + spec.database()
            + ": apt-get install -y postgresql-15-hypopg, then CREATE EXTENSION hypopg");
      }
      String typed = typedDefinition(c, t, spec);
      long lag = IndexCatalog.maxReplicaLag(c);
      c.setReadOnly(true);
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        List<String> notes = new ArrayList<>();
        List<StatementCost> found = IndexCatalog.statementsOn(c, t, STATEMENTS, notes);
        List<Double> before = new ArrayList<>();
        for (StatementCost s : found) {
          before.add(IndexCatalog.cost(c, s.query()));
        }
        st.execute("SELECT hypopg_reset()");
        long oid = hypothetical(c, t, typed);
        String def;
        long bytes;
        try (ResultSet rs = st.executeQuery("SELECT hypopg_get_indexdef(" + oid + "), hypopg_relation_size(" + oid + ")")) {
          rs.next();
          def = rs.getString(1);
          bytes = rs.getLong(2);
        }
        List<StatementCost> costs = new ArrayList<>();
        for (int i = 0; i < found.size(); i++) {
          StatementCost s = found.get(i);
          costs.add(new StatementCost(s.queryId(), s.query(), s.calls(), s.meanMs(), before.get(i),
              IndexCatalog.cost(c, s.query())));
        }
        st.execute("SELECT hypopg_reset()");
        c.rollback();
        c.setAutoCommit(true);
        c.setReadOnly(false);
        Matcher m = DEPARSED.matcher(def);
        if (!m.find()) {
          throw Lookups.badInput("unexpected deparse of the index: " + def);
        }
        String statement = "CREATE " + (m.group(1) == null ? "" : m.group(1)) + "INDEX CONCURRENTLY "
            + Identifiers.quote(spec.name()) + " ON " + def.substring(m.end());
        Index same = IndexCatalog.index(c, t.schema(), spec.name());
        String equivalent = IndexCatalog.equivalent(c, t, def);
        if (same != null && same.valid() && equivalent == null) {
          throw Lookups.badInput("an index named " + same.qualified() + " exists with another definition: "
              + same.definition() + "; choose another name");
        }
        if (found.isEmpty() && notes.isEmpty()) {
          notes.add("no SELECT on " + t.schema() + "." + t.name() + " in pg_stat_statements to compare plans with");
        }
        return new IndexPlan(p.node(), t.schema() + "." + t.name(), spec.name(), def, statement, bytes, equivalent,
            same != null && !same.valid() ? same.qualified() : null, lag, costs, notes);
      }
    } catch (SQLException e) {
      throw sqlFailure("planning the index on " + spec.table(), e);
    }
  }

  /** The CREATE INDEX text HypoPG parses: columns resolved through pg_attribute, expressions parenthesized. */
  private static String typedDefinition(Connection c, Table t, CreateIndexSpec spec) throws SQLException {
    if (spec.definition() != null && !spec.definition().isBlank()) {
      refuse(IndexRules.textProblem("definition", spec.definition()));
      if (!DEFINITION.matcher(spec.definition()).matches()) {
        throw Lookups.badInput("definition must read CREATE [UNIQUE] INDEX ON schema.table [USING method] (...)"
            + " [WHERE ...] (no name, no CONCURRENTLY: the runbook adds them), got '" + spec.definition() + "'");
      }
      return spec.definition().strip();
    }
    List<String> parts = new ArrayList<>();
    for (String col : spec.columns()) {
      refuse(IndexRules.textProblem("columns", col));
      Matcher m = IndexRules.PLAIN_COLUMN.matcher(col);
      if (m.matches()) {
        String att = IndexCatalog.attribute(c, t, m.group(1));
        if (att == null) {
          throw Lookups.badInput("column " + m.group(1) + " does not exist in table " + t.schema() + "." + t.name());
        }
        parts.add(Identifiers.quote(att) + m.group(2).toUpperCase(Locale.ROOT).replaceAll("\\s+", " "));
      } else {
        parts.add("(" + col.strip() + ")");
      }
    }
    if (spec.where() != null) {
      refuse(IndexRules.textProblem("where", spec.where()));
    }
    String method = spec.method() == null ? "btree" : spec.method();
    if (!IndexRules.METHODS.contains(method)) {
      throw Lookups.badInput("unknown index method " + method);
    }
    return "CREATE " + (spec.unique() ? "UNIQUE " : "") + "INDEX ON " + t.quoted() + " USING " + method + " ("
        + String.join(", ", parts) + ")" + (spec.where() == null ? "" : " WHERE (" + spec.where().strip() + ")");
  }

  /** Has HypoPG create the one hypothetical index {@code typed} describes, on table {@code t}; its oid. */
  private static long hypothetical(Connection c, Table t, String typed) throws SQLException {
    List<Long> oids = new ArrayList<>();
    try (Statement sp = c.createStatement()) {
      sp.execute("SAVEPOINT pgrb_hypo");
      try (PreparedStatement ps = c.prepareStatement("SELECT h.indexrelid, h.indrelid FROM hypopg_create_index(?) x"
          + " JOIN hypopg() h ON h.indexrelid = x.indexrelid")) {
        ps.setString(1, typed);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            if (rs.getLong(2) != t.oid()) {
              throw Lookups.badInput("the definition is not an index on " + t.schema() + "." + t.name());
            }
            oids.add(rs.getLong(1));
          }
        }
      } catch (SQLException e) {
        sp.execute("ROLLBACK TO SAVEPOINT pgrb_hypo");
        throw Lookups.badInput("PostgreSQL refused the index " + typed + ": " + firstLine(e.getMessage()));
      }
    }
    if (oids.size() != 1) {
      throw Lookups.badInput("the input must describe exactly one index, it described " + oids.size());
    }
    return oids.get(0);
  }

  @Override
  public IndexBuild buildIndex(IndexBuildInput in) {
    String app = applicationName(in);
    List<String> cleanup = new ArrayList<>();
    ExecutorService runner = Executors.newSingleThreadExecutor(r -> new Thread(r, "create-index " + in.name()));
    try (Primary p = Primary.open(config, connections, in.cluster(), in.database());
         Connection watch = connections.open(in.cluster(), p.node(), in.database())) {
      Connection c = p.connection();
      Table t = IndexCatalog.table(c, in.table());
      terminateEarlierAttempts(c, app, cleanup);
      try (Statement st = c.createStatement()) {
        st.execute("SET application_name = '" + app.replace("'", "''") + "'");
        // A backend whose client died (worker crash) stops at the next check instead of finishing unseen.
        st.execute("SET client_connection_check_interval = '2s'");
        st.execute("SET lock_timeout = " + Math.max(100, in.lockTimeoutMillis()));
      }
      for (int attempt = 1; ; attempt++) {
        Index existing = IndexCatalog.index(c, t.schema(), in.name());
        if (existing != null && existing.valid()) {
          if (!IndexCatalog.unnamed(existing.definition()).equals(in.indexDef())) {
            throw Lookups.badInput(existing.qualified() + " exists with another definition: " + existing.definition());
          }
          return new IndexBuild(true, attempt == 1, size(c, existing.oid()), attempt - 1, null, cleanup);
        }
        if (existing != null) {
          dropInvalid(c, existing, cleanup);
        }
        heartbeat("attempt " + attempt + ": " + in.statement());
        SQLException failure = runWatched(runner, c, watch, app, in.statement());
        if (failure == null) {
          Index built = IndexCatalog.index(c, t.schema(), in.name());
          return new IndexBuild(true, false, size(c, built.oid()), attempt, null, cleanup);
        }
        Index left = IndexCatalog.index(c, t.schema(), in.name());
        if (left != null && !left.valid()) {
          dropInvalid(c, left, cleanup);
        }
        if (!"55P03".equals(failure.getSQLState())) {
          return new IndexBuild(false, false, -1, attempt, withDetail(failure), cleanup);
        }
        if (attempt > in.lockRetries()) {
          throw ApplicationFailure.newFailure("lock_timeout " + in.lockTimeoutMillis() + " ms expired on " + attempt
              + " attempts: " + firstLine(failure.getMessage()), LOCK_TIMEOUT);
        }
        cleanup.add("attempt " + attempt + " hit lock_timeout; retrying");
        pause(Math.min(30_000, 1000L << attempt), LOCK_TIMEOUT);
      }
    } catch (ConnectionFactory.NodeConnectException e) {
      throw ApplicationFailure.newFailure("cannot watch the build of " + in.name() + ": " + e.getMessage(),
          FailureTypes.UNREACHABLE);
    } catch (SQLException e) {
      throw sqlFailure("building " + in.name(), e);
    } finally {
      runner.shutdownNow();
    }
  }

  /** Runs the build on {@code c} while heartbeating its progress read on {@code watch}; the build's error or null. */
  static SQLException runWatched(ExecutorService runner, Connection c, Connection watch, String app,
                                         String statement) throws SQLException {
    try (Statement build = c.createStatement()) {
      Future<?> f = runner.submit(() -> {
        build.execute(statement);
        return null;
      });
      while (true) {
        try {
          f.get(2, TimeUnit.SECONDS);
          return null;
        } catch (TimeoutException stillRunning) {
          String progress = IndexCatalog.progress(watch, app);
          try {
            heartbeat(progress == null ? "waiting for the build to start" : progress);
          } catch (RuntimeException cancelled) {
            build.cancel();
            throw cancelled;
          }
        } catch (ExecutionException e) {
          if (e.getCause() instanceof SQLException sql) {
            return sql;
          }
          throw new IllegalStateException("index build failed", e.getCause());
        } catch (InterruptedException e) {
          build.cancel();
          Thread.currentThread().interrupt();
          throw ApplicationFailure.newFailure("interrupted during the build", LOCK_TIMEOUT);
        }
      }
    }
  }

  @Override
  public String buildProgress(IndexBuildInput in) {
    try (Primary p = Primary.open(config, connections, in.cluster(), in.database())) {
      return IndexCatalog.progress(p.connection(), applicationName(in));
    } catch (SQLException e) {
      throw sqlFailure("reading the progress of " + in.name(), e);
    }
  }

  @Override
  public List<StatementCost> analyzeAndExplain(ExplainInput in) {
    try (Primary p = Primary.open(config, connections, in.cluster(), in.database())) {
      Connection c = p.connection();
      Table t = IndexCatalog.table(c, in.table());
      try (Statement st = c.createStatement()) {
        st.execute("ANALYZE " + t.quoted());
      }
      c.setReadOnly(true);
      c.setAutoCommit(false);
      List<StatementCost> out = new ArrayList<>();
      for (StatementCost s : in.statements()) {
        out.add(new StatementCost(s.queryId(), s.query(), s.calls(), s.meanMs(), s.costBefore(),
            IndexCatalog.cost(c, s.query())));
      }
      c.rollback();
      return out;
    } catch (SQLException e) {
      throw sqlFailure("analyzing " + in.table(), e);
    }
  }

  /** Backends of earlier attempts of this build (a crashed worker's) are terminated, so two never build at once. */
  private static void terminateEarlierAttempts(Connection c, String app, List<String> cleanup) throws SQLException {
    for (int round = 0; round < 60; round++) {
      int alive = 0;
      try (PreparedStatement ps = c.prepareStatement("SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity"
          + " WHERE application_name = ? AND pid <> pg_backend_pid()")) {
        ps.setString(1, app);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            alive++;
            if (round == 0) {
              cleanup.add("terminated the backend of an earlier attempt (pid " + rs.getInt(1) + ")");
            }
          }
        }
      }
      if (alive == 0) {
        return;
      }
      pause(500, LOCK_TIMEOUT);
    }
    throw ApplicationFailure.newFailure("an earlier attempt's backend did not end within 30 s", LOCK_TIMEOUT);
  }

  private static void dropInvalid(Connection c, Index index, List<String> cleanup) throws SQLException {
    String[] parts = index.qualified().split("\\.", 2);
    try (Statement st = c.createStatement()) {
      st.execute("DROP INDEX CONCURRENTLY IF EXISTS " + Identifiers.quote(parts[0], parts[1]));
    }
    cleanup.add("dropped INVALID index " + index.qualified());
  }

  private static long size(Connection c, long oid) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_relation_size(" + oid + ")")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static String applicationName(IndexBuildInput in) {
    String name = "pg-runbooks create-index " + in.table().substring(0, in.table().indexOf('.') + 1) + in.name();
    return name.length() > 63 ? name.substring(0, 63) : name;
  }

  /** PostgreSQL's message and its detail ("Key (email)=(a@b) is duplicated."), on one line. */
  static String withDetail(SQLException e) {
    String detail = e instanceof org.postgresql.util.PSQLException p && p.getServerErrorMessage() != null
        ? p.getServerErrorMessage().getDetail() : null;
    String first = firstLine(e.getMessage());
    return detail == null ? first : first + ": " + detail;
  }

  private static void refuse(String problem) {
    if (problem != null) {
      throw Lookups.badInput(problem);
    }
  }

  private static ApplicationFailure sqlFailure(String what, SQLException e) {
    if ("3D000".equals(e.getSQLState())) {
      return Lookups.badInput(what + ": " + firstLine(e.getMessage()));
    }
    return ApplicationFailure.newFailure(what + " failed: " + firstLine(e.getMessage()), PostgresActivitiesImpl.SQL_ERROR);
  }
}
