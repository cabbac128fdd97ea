package io.pgrunbooks.activities.postgres;

import static io.pgrunbooks.activities.ActivitySupport.firstLine;
import static io.pgrunbooks.activities.ActivitySupport.heartbeat;

import io.pgrunbooks.activities.Lookups;
import io.pgrunbooks.workflows.activities.IntegrityActivities.Corruption;
import io.pgrunbooks.workflows.activities.IntegrityActivities.IntegrityFindings;
import io.temporal.failure.ApplicationFailure;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** IntegrityCheck's SQL: the tables to check and amcheck over them; names are resolved to oids first. */
final class IntegritySql {
  /** At most this many verify_heapam messages per table: the first ones say where; the rest is the same damage. */
  static final int MESSAGES_PER_TABLE = 5;
  private static final String ALL_TABLES = "SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n"
      + " ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'm') AND n.nspname NOT IN ('pg_catalog',"
      + " 'information_schema') AND n.nspname !~ '^pg_(toast|temp)' ORDER BY 1";

  private IntegritySql() {}

  /** {@code tables} as the catalog spells them, or every table when empty; an unknown one is BadInput. */
  static List<String> tables(Connection c, List<String> requested) throws SQLException {
    List<String> out = new ArrayList<>();
    if (requested.isEmpty()) {
      try (PreparedStatement ps = c.prepareStatement(ALL_TABLES); ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
      return out;
    }
    for (String t : requested) {
      String[] parts = Identifiers.split(t, "table");
      if (oid(c, parts[0] + "." + parts[1], "('r', 'm')") == 0) {
        throw Lookups.badInput("table " + t + " does not exist (or is not a table)");
      }
      out.add(parts[0] + "." + parts[1]);
    }
    return out;
  }

  /** Creates amcheck when missing (on the primary); whether it did. */
  static boolean ensureAmcheck(Connection primary) throws SQLException {
    if (installed(primary)) {
      return false;
    }
    try (var st = primary.createStatement()) {
      st.execute("CREATE EXTENSION IF NOT EXISTS amcheck");
    }
    return true;
  }

  static boolean installed(Connection c) throws SQLException {
    return IndexCatalog.installed(c, "amcheck");
  }

  /**
   * verify_heapam (with TOAST) on each table and bt_index_check on each of its valid btree indexes. amcheck
   * reports btree corruption as an ERROR and heap corruption as rows: both become {@link Corruption}s.
   */
  static IntegrityFindings check(Connection c, String node, List<String> tables, boolean heapallindexed)
      throws SQLException {
    if (!installed(c)) {
      // Retryable: created on the primary a moment ago, not yet replayed here.
      throw ApplicationFailure.newFailure("amcheck is not (yet) installed in this database on " + node,
          PostgresActivitiesImpl.SQL_ERROR);
    }
    long started = System.nanoTime();
    c.setNetworkTimeout(Runnable::run, 0);
    List<Corruption> corruptions = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    int tablesChecked = 0;
    int indexesChecked = 0;
    ExecutorService runner = Executors.newSingleThreadExecutor();
    try {
      for (String table : tables) {
        long oid = oid(c, table, "('r', 'm')");
        if (oid == 0) {
          skipped.add(table + ": gone");
          continue;
        }
        List<String> messages = new ArrayList<>();
        String error = watched(runner, c, "verify_heapam " + table, () -> {
          try (PreparedStatement ps = c.prepareStatement("SELECT blkno, offnum, attnum, msg FROM"
              + " verify_heapam(?::oid::regclass, check_toast => true)")) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                if (messages.size() < MESSAGES_PER_TABLE) {
                  messages.add("block " + rs.getLong(1) + ", offset " + rs.getInt(2) + (rs.getObject(3) == null ? ""
                      : ", attribute " + rs.getInt(3)) + ": " + rs.getString(4));
                }
              }
            }
          }
        });
        tablesChecked++;
        if (error != null) {
          corruptions.add(new Corruption(table, "heap", error));
        } else if (!messages.isEmpty()) {
          corruptions.add(new Corruption(table, "heap", String.join("; ", messages)));
        }
        for (Object[] index : btreeIndexes(c, oid)) {
          String name = (String) index[1];
          String bad = watched(runner, c, "bt_index_check " + name, () -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT bt_index_check(?::oid::regclass, ?)")) {
              ps.setLong(1, (Long) index[0]);
              ps.setBoolean(2, heapallindexed);
              ps.execute();
            }
          });
          indexesChecked++;
          if (bad != null) {
            corruptions.add(new Corruption(name, "btree", bad));
          }
        }
      }
    } finally {
      runner.shutdownNow();
    }
    return new IntegrityFindings(node, tablesChecked, indexesChecked, corruptions, skipped,
        (System.nanoTime() - started) / 1_000_000_000L);
  }

  /** A check that may run long: heartbeats while it does; returns amcheck's ERROR message, or null. */
  private static String watched(ExecutorService runner, Connection c, String what, SqlBody body)
      throws SQLException {
    heartbeat(what);
    Future<?> f = runner.submit(() -> {
      body.run();
      return null;
    });
    long t0 = System.nanoTime();
    while (true) {
      try {
        f.get(5, TimeUnit.SECONDS);
        return null;
      } catch (TimeoutException stillRunning) {
        try {
          heartbeat(what + " for " + (System.nanoTime() - t0) / 1_000_000_000L + " s");
        } catch (RuntimeException cancelled) {
          f.cancel(true);
          throw cancelled;
        }
      } catch (ExecutionException e) {
        if (e.getCause() instanceof SQLException sql) {
          // XX001 data_corrupted, XX002 index_corrupted; anything else is not a finding but a failure of the check.
          if (sql.getSQLState() != null && sql.getSQLState().startsWith("XX")) {
            return firstLine(sql.getMessage()).replaceFirst("^ERROR: ", "");
          }
          throw sql;
        }
        throw new IllegalStateException(what + " failed", e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw ApplicationFailure.newFailure("interrupted during " + what, PostgresActivitiesImpl.SQL_ERROR);
      }
    }
  }

  private static List<Object[]> btreeIndexes(Connection c, long table) throws SQLException {
    List<Object[]> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT ic.oid, n.nspname || '.' || ic.relname FROM pg_index i"
        + " JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_namespace n ON n.oid = ic.relnamespace JOIN pg_am am"
        + " ON am.oid = ic.relam WHERE i.indrelid = ? AND am.amname = 'btree' AND i.indisvalid AND i.indisready"
        + " ORDER BY 2")) {
      ps.setLong(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Object[] {rs.getLong(1), rs.getString(2)});
        }
      }
    }
    return out;
  }

  private static long oid(Connection c, String qualified, String relkinds) throws SQLException {
    String[] parts = qualified.split("\\.", 2);
    try (PreparedStatement ps = c.prepareStatement("SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid ="
        + " c.relnamespace WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN " + relkinds)) {
      ps.setString(1, parts[0]);
      ps.setString(2, parts[1]);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }

  @FunctionalInterface
  interface SqlBody {
    void run() throws SQLException;
  }
}
