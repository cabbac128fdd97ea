package io.pgrunbooks.worker;

import io.pgrunbooks.ops.stack.PostgresNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An application stand-in: one thread inserting numbered rows as fast as they are served (through PgBouncer, or
 * straight to the primary), reconnecting after each error. Counts acknowledged writes (a committed INSERT) and the longest gap between two of them.
 */
final class BouncerWriter implements AutoCloseable {
  /** Where the writer connects. */
  @FunctionalInterface
  interface Source {
    Connection connect() throws SQLException;
  }

  private final Source source;
  private final String table;
  private final List<Long> acknowledged = new CopyOnWriteArrayList<>();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile int errors;
  private volatile long longestGapNanos;

  private BouncerWriter(Source source, String table) {
    this.source = source;
    this.table = table;
    this.thread = new Thread(this::loop, "bouncer-writer");
  }

  static BouncerWriter start(Source source, String table) throws SQLException {
    try (Connection c = source.connect(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS " + table + " (id bigint PRIMARY KEY, at timestamptz DEFAULT now())");
    }
    BouncerWriter w = new BouncerWriter(source, table);
    w.thread.start();
    return w;
  }

  private void loop() {
    long id = 0;
    long lastAck = System.nanoTime();
    Connection c = null;
    while (running) {
      try {
        if (c == null) {
          c = source.connect();
        }
        try (PreparedStatement p = c.prepareStatement("INSERT INTO " + table + " (id) VALUES (?)")) {
          p.setLong(1, ++id);
          p.executeUpdate();
        }
        acknowledged.add(id);
        long now = System.nanoTime();
        longestGapNanos = Math.max(longestGapNanos, now - lastAck);
        lastAck = now;
      } catch (SQLException e) {
        errors++;
        closeQuietly(c);
        c = null;
        sleep(50);
      }
    }
    closeQuietly(c);
  }

  void stop() throws InterruptedException {
    running = false;
    thread.join(30_000);
  }

  int acknowledged() {
    return acknowledged.size();
  }

  int errors() {
    return errors;
  }

  long longestGapMillis() {
    return longestGapNanos / 1_000_000;
  }

  /** Acknowledged ids that {@code node} does not hold. */
  List<Long> missingOn(PostgresNode node) {
    String present = node.psql("postgres", "SELECT string_agg(id::text, ',') FROM " + table).strip();
    java.util.Set<Long> ids = new java.util.HashSet<>();
    for (String s : present.isEmpty() ? new String[0] : present.split(",")) {
      ids.add(Long.parseLong(s));
    }
    List<Long> missing = new ArrayList<>();
    for (Long a : acknowledged) {
      if (!ids.contains(a)) {
        missing.add(a);
      }
    }
    return missing;
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }

  private static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // broken already
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
