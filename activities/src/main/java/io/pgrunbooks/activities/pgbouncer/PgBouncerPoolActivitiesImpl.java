package io.pgrunbooks.activities.pgbouncer;

import io.pgrunbooks.activities.ActivitySupport;
import io.pgrunbooks.activities.Lookups;
import io.pgrunbooks.config.PgBouncerConfig;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.workflows.activities.PgBouncerPoolActivities;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

/**
 * {@link PgBouncerPoolActivities} of the node agent on PgBouncer's host. Before a rewrite the file is saved next to
 * it ({@code .<name>.runbooks-resize-saved}); the saved copy is what a failed check restores, and it is removed once
 * the new size is shown.
 */
public class PgBouncerPoolActivitiesImpl implements PgBouncerPoolActivities {
  static final String FAILED = "BouncerConfigFailed";

  private final String nodeName;
  private final BouncerConnections bouncer;

  public PgBouncerPoolActivitiesImpl(RunbooksConfig config, String nodeName, Map<String, String> env) {
    this.nodeName = nodeName;
    this.bouncer = new BouncerConnections(config, env);
  }

  @Override
  public List<Pool> readBouncerPools(PoolsInput input) {
    Path file = file(input.cluster());
    Map<String, Integer> waiting = new java.util.HashMap<>();
    try (Connection c = bouncer.admin(input.cluster(), 60); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SHOW POOLS")) {
      while (rs.next()) {
        waiting.merge(rs.getString("database"), rs.getInt("cl_waiting"), Integer::sum);
      }
    } catch (SQLException e) {
      throw ApplicationFailure.newFailure("PgBouncer SHOW POOLS failed: " + ActivitySupport.firstLine(e.getMessage()),
          FailureTypes.UNREACHABLE);
    }
    return PoolEntries.entries(read(file)).values().stream()
        .map(e -> pool(e, waiting.getOrDefault(e.name(), 0))).toList();
  }

  @Override
  public Resized resizeBouncerPool(ResizeInput in) {
    if (in.poolSize() < 1 || (in.reservePool() != null && in.reservePool() < 0)) {
      throw Lookups.badInput("poolSize must be at least 1 and reservePool not negative, got " + in.poolSize() + "/"
          + in.reservePool());
    }
    Path file = file(in.cluster());
    Path saved = file.resolveSibling("." + file.getFileName() + ".runbooks-resize-saved");
    String text = read(file);
    PoolEntries.Entry current = PoolEntries.entries(text).get(in.database());
    if (current == null) {
      throw Lookups.badInput("PgBouncer of cluster " + in.cluster() + " has no [databases] entry '" + in.database()
          + "' in " + file + " (entries: " + String.join(", ", PoolEntries.entries(text).keySet()) + ")");
    }
    String desired = PoolEntries.withPoolSize(text, in.database(), in.poolSize(), in.reservePool());
    boolean changed = !desired.equals(text);
    PoolEntries.Entry before = current;
    try {
      if (changed) {
        PgBouncerActivitiesImpl.writeLike(saved, text, file);
        PgBouncerActivitiesImpl.writeKeepingOwner(file, desired);
      } else if (Files.exists(saved)) {
        // An earlier attempt wrote the file and did not finish: the saved copy says what it was.
        PoolEntries.Entry earlier = PoolEntries.entries(read(saved)).get(in.database());
        before = earlier != null ? earlier : current;
      }
    } catch (IOException e) {
      throw ApplicationFailure.newFailure("cannot rewrite " + file + ": " + e.getMessage(), FAILED);
    }
    String problem;
    int shown = -1;
    try {
      reload(in.cluster());
      int[] sizes = shown(in.cluster(), in.database());
      shown = sizes[0];
      problem = sizes[0] != in.poolSize() || (in.reservePool() != null && sizes[1] != in.reservePool())
          ? "SHOW DATABASES says pool_size=" + sizes[0] + " reserve_pool=" + sizes[1] + " after RELOAD" : null;
    } catch (SQLException e) {
      problem = "RELOAD/SHOW DATABASES failed: " + ActivitySupport.firstLine(e.getMessage());
    }
    if (problem != null) {
      throw ApplicationFailure.newNonRetryableFailure(problem + "; " + restore(in.cluster(), file, saved), FAILED);
    }
    deleteQuietly(saved);
    return new Resized(pool(before, -1), in.poolSize(), shown, changed, (changed ? "rewrote" : "file already said")
        + " '" + in.database() + "' pool_size " + before.poolSize() + " -> " + in.poolSize()
        + (in.reservePool() == null ? "" : ", reserve_pool " + before.reservePool() + " -> " + in.reservePool())
        + " in " + file + ", RELOAD, SHOW DATABASES shows " + shown);
  }

  private String restore(String cluster, Path file, Path saved) {
    if (!Files.exists(saved)) {
      return "no saved copy to restore";
    }
    try {
      PgBouncerActivitiesImpl.writeKeepingOwner(file, read(saved));
      reload(cluster);
      deleteQuietly(saved);
      return "the previous " + file + " was restored and reloaded";
    } catch (IOException | SQLException | RuntimeException e) {
      return "RESTORING " + file + " FAILED (" + e.getMessage() + "): the previous file is " + saved;
    }
  }

  private void reload(String cluster) throws SQLException {
    try (Connection c = bouncer.admin(cluster, 60); Statement s = c.createStatement()) {
      s.execute("RELOAD");
    }
  }

  /** {@code pool_size} and {@code reserve_pool} of entry {@code name} in {@code SHOW DATABASES}, -1 when absent. */
  private int[] shown(String cluster, String name) throws SQLException {
    try (Connection c = bouncer.admin(cluster, 60); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SHOW DATABASES")) {
      while (rs.next()) {
        if (name.equals(rs.getString("name"))) {
          return new int[] {rs.getInt("pool_size"), rs.getInt("reserve_pool")};
        }
      }
      return new int[] {-1, -1};
    }
  }

  private Path file(String cluster) {
    PgBouncerConfig b = bouncer.of(cluster);
    if (!nodeName.equals(b.node())) {
      throw Lookups.badInput("the agent of " + nodeName + " was asked for the PgBouncer of cluster " + cluster
          + ", which clusters." + cluster + ".pgbouncer.node puts on " + b.node() + "; refusing");
    }
    if (b.configFile() == null) {
      throw Lookups.config("clusters." + cluster + ".pgbouncer.configFile is not set: cannot resize pools");
    }
    return Path.of(b.configFile());
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw ApplicationFailure.newFailure("cannot read " + file + ": " + e.getMessage(), FailureTypes.UNREACHABLE);
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // a leftover saved copy is overwritten by the next resize
    }
  }

  private static Pool pool(PoolEntries.Entry e, int waiting) {
    return new Pool(e.name(), e.host(), e.port(), e.poolSize(), e.reservePool(), e.explicitPoolSize(), waiting);
  }
}
