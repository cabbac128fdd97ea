package io.pgrunbooks.ops.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a hard-killed `runbooks dev` leaves running in its state directory is stopped, and named. */
class LeftoverServersTest {
  @TempDir
  Path stateDir;

  @Test
  void postgresAndTemporalLeftRunningFromTheStateDirAreStoppedAndNamed() throws Exception {
    Prerequisites.giveToPostgresUser(stateDir);
    // A server whose owner "died": nobody calls close() before the leftovers are looked for.
    VerificationInstance abandoned = VerificationInstance.start(stateDir, 0, "pw", true);
    PostgresNode node = abandoned.node();
    assertThat(node.isRunning()).isTrue();
    // A stand-in for the Temporal dev server: the same --db-filename argument, in this directory.
    Process temporal = new ProcessBuilder("bash", "-c", "sleep 300; true", "temporal", "--db-filename",
        stateDir.resolve("temporal.db").toString()).start();
    // Someone else's server, outside the directory, is left alone.
    Process other = new ProcessBuilder("bash", "-c", "sleep 300; true", "temporal", "--db-filename", "/elsewhere/temporal.db")
        .start();
    try {
      List<String> stopped = LeftoverServers.stop(stateDir);

      assertThat(stopped).anyMatch(s -> s.startsWith("PostgreSQL in " + node.dataDir()));
      assertThat(stopped).anyMatch(s -> s.startsWith("Temporal dev server (pid " + temporal.pid() + ")"));
      assertThat(node.isRunning()).isFalse();
      // Stopped cleanly: a fast shutdown leaves no postmaster.pid behind.
      assertThat(node.dataDir().resolve("postmaster.pid")).doesNotExist();
      assertThat(temporal.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(other.isAlive()).isTrue();
      assertThat(LeftoverServers.stop(stateDir)).isEmpty();
    } finally {
      // bash's `sleep` child outlives a killed bash: stop the children first.
      for (Process p : List.of(other, temporal)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
      }
      abandoned.close();
    }
  }

  @Test
  void aPatroniClusterLeftRunningIsStoppedPatroniFirstThenPostgresThenEtcd() throws Exception {
    Prerequisites.giveToPostgresUser(stateDir);
    // The cluster's owner "died": its servers are found by the pid files of the state directory alone.
    PostgresCluster abandoned = PostgresCluster.start(new PostgresClusterOptions(stateDir, "pg1", 0, List.of("pg2"),
        List.of(), "pw", true, new PostgresClusterOptions.Patroni(List.of(), 0)));
    try {
      List<ProcessHandle> servers = new java.util.ArrayList<>();
      for (PostgresNode n : abandoned.nodes()) {
        servers.add(ProcessHandle.of(n.pid().orElseThrow()).orElseThrow());
        servers.add(ProcessHandle.of(abandoned.patroni().pid(n.name())).orElseThrow());
      }
      long etcd = Long.parseLong(Files.readString(stateDir.resolve("patroni/etcd.pid")).strip());
      servers.add(ProcessHandle.of(etcd).orElseThrow());
      long pg1 = abandoned.patroni().pid("pg1");
      long pg2 = abandoned.patroni().pid("pg2");

      List<String> stopped = LeftoverServers.stop(stateDir);

      assertThat(stopped).startsWith("Patroni of pg1 (pid " + pg1 + ")", "Patroni of pg2 (pid " + pg2 + ")",
          "etcd (pid " + etcd + ")");
      assertThat(servers).noneMatch(Processes::isLive);
      assertThat(LeftoverServers.stop(stateDir)).isEmpty();
    } finally {
      abandoned.close();
    }
  }

  @Test
  void aLiveEarlierOwnerIsNoLeftoverAndADeadOneIsReplaced() throws Exception {
    Files.writeString(stateDir.resolve("runbooks-dev.pid"), ProcessHandle.current().parent().orElseThrow().pid() + "\n");
    assertThat(LeftoverServers.claim(stateDir)).isPresent();
    Files.writeString(stateDir.resolve("runbooks-dev.pid"), "999999999\n");
    assertThat(LeftoverServers.claim(stateDir)).isEmpty();
    assertThat(Files.readString(stateDir.resolve("runbooks-dev.pid")).strip())
        .isEqualTo(String.valueOf(ProcessHandle.current().pid()));
  }
}
