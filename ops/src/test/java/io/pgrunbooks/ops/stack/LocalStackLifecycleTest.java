package io.pgrunbooks.ops.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocalStackLifecycleTest {

  @Test
  void stopLeavesNothingRunning() throws Exception {
    Path dir = Files.createTempDirectory("runbooks-lifecycle-");
    // A db file inside the base dir puts the base dir on Temporal's command line, so we can find it.
    // No password here (trust everywhere): the shared stack covers SCRAM.
    LocalStackOptions options = new LocalStackOptions(dir, "pg1", List.of("pg2"), 0, List.of(), 0, 0, 0, 0,
        null, null, dir.resolve("temporal.db"), false);
    List<ProcessHandle> processes = new ArrayList<>();
    List<Integer> ports = new ArrayList<>();
    try (LocalStack stack = LocalStack.start(options)) {
      for (PostgresNode node : stack.postgres().nodes()) {
        ProcessHandle postmaster = ProcessHandle.of(node.pid().orElseThrow()).orElseThrow();
        processes.add(postmaster);
        postmaster.descendants().forEach(processes::add);
        ports.add(node.port());
      }
      long bouncerPid = Long.parseLong(Files.readString(dir.resolve("pgbouncer/pgbouncer.pid")).trim());
      processes.add(ProcessHandle.of(bouncerPid).orElseThrow());
      processes.addAll(processesMentioning(dir));
      ports.addAll(List.of(stack.pgbouncer().port(), stack.s3().port(), stack.temporal().port()));
      assertThat(processes).allMatch(Processes::isLive);
      assertThat(processesMentioning(dir)).extracting(p -> p.info().command().orElse(""))
          .anyMatch(c -> c.endsWith("temporal")).anyMatch(c -> c.endsWith("pgbouncer"));
      assertThat(ports).noneMatch(Processes::portIsFree);
      try (var c = stack.pgbouncer().connect("postgres"); var st = c.createStatement();
          var rs = st.executeQuery("SELECT inet_server_port()")) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(stack.postgres().primary().port());
      }
    }
    assertThat(processes).noneMatch(Processes::isLive);
    assertThat(processesMentioning(dir)).isEmpty();
    assertThat(ports).allMatch(Processes::portIsFree);
    assertThat(dir).doesNotExist();
  }

  @Test
  void reusedClusterRestartsWithItsDataPortsAndReplication() throws Exception {
    Path dir = Files.createTempDirectory("runbooks-reuse-");
    PostgresClusterOptions options = new PostgresClusterOptions(dir, "pg1", 0, List.of("pg2"), List.of(), "reuse-pw", true);
    try {
      List<Integer> ports;
      try (PostgresCluster first = PostgresCluster.start(options)) {
        first.primary().psql("postgres", "CREATE TABLE kept (v int); INSERT INTO kept VALUES (42)");
        first.awaitStreaming("pg2", Duration.ofSeconds(30));
        ports = first.nodes().stream().map(PostgresNode::port).toList();
      }
      assertThat(dir.resolve("pg/pg1/PG_VERSION")).exists();

      try (PostgresCluster again = PostgresCluster.start(options)) {
        assertThat(again.nodes().stream().map(PostgresNode::port).toList()).isEqualTo(ports);
        again.awaitStreaming("pg2", Duration.ofSeconds(30));
        assertThat(again.node("pg2").psql("postgres", "SELECT v FROM kept")).isEqualTo("42");

        // A crashed primary comes back through crash recovery with its committed rows.
        again.primary().kill();
        assertThat(again.primary().isRunning()).isFalse();
        again.primary().start();
        assertThat(again.primary().psql("postgres", "SELECT v FROM kept")).isEqualTo("42");
        again.awaitStreaming("pg2", Duration.ofSeconds(30));
      }
    } finally {
      Processes.deleteTree(dir);
    }
  }

  private static List<ProcessHandle> processesMentioning(Path dir) {
    String needle = dir.toAbsolutePath().toString();
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().orElse("").contains(needle))
        .toList();
  }
}
