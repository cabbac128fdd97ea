package io.pgrunbooks.worker.crash;

import io.pgrunbooks.ops.stack.PostgresNode;
import io.pgrunbooks.worker.FailoverFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** End-state checks of the topology runbooks on a FailoverFixture stack (pg1, pg2, PgBouncer). */
final class Topology {
  private Topology() {}

  /** Running nodes that accept writes. */
  static List<String> writable(FailoverFixture f) {
    List<String> out = new ArrayList<>();
    for (PostgresNode n : f.stack.postgres().nodes()) {
      if (n.isRunning() && !FailoverFixture.inRecovery(n)) {
        out.add(n.name());
      }
    }
    return out;
  }

  /**
   * What is wrong with "exactly {@code primary} writable, PgBouncer writes land on it, {@code replicas} streaming from
   * it with the marker rows, no half-built data directory beside them".
   */
  static List<String> healthy(FailoverFixture f, String primary, List<String> replicas, String marker) throws Exception {
    List<String> problems = new ArrayList<>();
    List<String> writable = writable(f);
    if (!writable.equals(List.of(primary))) {
      problems.add("writable nodes " + writable + ", expected exactly [" + primary + "]");
    }
    PostgresNode p = f.stack.postgres().node(primary);
    try {
      int port = f.writeThroughBouncer();
      if (port != p.port()) {
        problems.add("PgBouncer wrote to port " + port + ", not " + primary + " (" + p.port() + ")");
      }
    } catch (Exception e) {
      problems.add("write through PgBouncer failed: " + e.getMessage());
    }
    for (String r : replicas) {
      PostgresNode n = f.stack.postgres().node(r);
      try {
        f.stack.postgres().awaitStreaming(r, Duration.ofSeconds(60));
      } catch (RuntimeException e) {
        problems.add(r + " not streaming: " + e.getMessage());
        continue;
      }
      String expected = Sql.fingerprint(p, "sweep_topo");
      String seen = awaitFingerprint(n, expected);
      if (!expected.equals(seen)) {
        problems.add(r + " has sweep_topo " + seen + ", " + primary + " has " + expected);
      }
      try (Stream<Path> s = Files.list(n.dataDir().getParent())) {
        List<String> halfDone = s.map(x -> x.getFileName().toString())
            .filter(x -> x.contains(".rebuild-") || x.contains(".partial-")).toList();
        if (!halfDone.isEmpty()) {
          problems.add("left beside " + r + "'s data directory: " + halfDone);
        }
      }
    }
    return problems;
  }

  private static String awaitFingerprint(PostgresNode n, String expected) throws InterruptedException {
    String seen = null;
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        seen = Sql.fingerprint(n, "sweep_topo");
        if (expected.equals(seen)) {
          return seen;
        }
      } catch (Exception replaying) {
        seen = replaying.getMessage();
      }
      Thread.sleep(200);
    }
    return seen;
  }
}
