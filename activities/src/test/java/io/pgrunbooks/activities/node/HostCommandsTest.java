package io.pgrunbooks.activities.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrunbooks.activities.node.ReplicaRebuilder.Progress;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link HostCommands#run} inside a real activity context: heartbeats and what happens to the child on the way out. */
public class HostCommandsTest {
  @TempDir
  Path tmp;
  private TestActivityEnvironment env;

  /** Runs one shell script through HostCommands, with pg_basebackup-style progress parsing. */
  @ActivityInterface
  public interface Shell {
    int runScript(String script, long timeoutSeconds);
  }

  public static class ShellImpl implements Shell {
    @Override
    public int runScript(String script, long timeoutSeconds) {
      return HostCommands.run(List.of("sh", "-c", script), Map.of(), timeoutSeconds, line -> { }, Progress::of)
          .exitCode();
    }
  }

  /** The rebuild's long local work without output: deleting a data directory, killing a leftover copy. */
  @ActivityInterface
  public interface LocalWork {
    int deleteAndKill(String root, String usedPath);
  }

  public static class LocalWorkImpl implements LocalWork {
    @Override
    public int deleteAndKill(String root, String usedPath) {
      ReplicaRebuilder.deleteTree(Path.of(root));
      return HostCommands.killProcessesUsing(usedPath);
    }
  }

  @BeforeEach
  void setUp() {
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(new ShellImpl(), new LocalWorkImpl());
  }

  @Test
  void deletingALargeDataDirectoryHeartbeatsBeforeAndDuringAndKillingALeftoverCopyHeartbeatsToo()
      throws Exception {
    Path data = Files.createDirectories(tmp.resolve("data.rebuild-run1"));
    for (int d = 0; d < 40; d++) {
      Path dir = Files.createDirectories(data.resolve("base").resolve("dir" + d));
      for (int f = 0; f < 1000; f++) {
        Files.createFile(dir.resolve(String.valueOf(f)));
      }
    }
    Path used = Files.createDirectories(tmp.resolve("data.partial-run1"));
    // A copy left running by a killed agent: its command line names the directory.
    Process leftover = new ProcessBuilder("sh", "-c", "sleep 300; true", used.toString()).start();
    // A pgbackrest restore left running names it as an option's value.
    Process restore = new ProcessBuilder("sh", "-c", "sleep 300; true", "--pg1-path=" + used).start();
    long visible = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while ((!leftover.info().commandLine().orElse("").endsWith(" " + used)
        || !restore.info().commandLine().orElse("").endsWith("=" + used)) && System.nanoTime() < visible) {
      Thread.sleep(20);
    }
    List<HostCommands.LocalWork> beats = new CopyOnWriteArrayList<>();
    env.setActivityHeartbeatListener(HostCommands.LocalWork.class, beats::add);

    // A short heartbeat timeout makes the SDK send (not coalesce) the heartbeats of a delete of 40,000 files.
    int killed = env.newActivityStub(LocalWork.class, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofMinutes(2)).setHeartbeatTimeout(Duration.ofMillis(150))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build()).build())
        .deleteAndKill(data.toString(), used.toString());

    assertThat(data).doesNotExist();
    assertThat(killed).isEqualTo(2);
    assertThat(leftover.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(restore.waitFor(10, TimeUnit.SECONDS)).isTrue();
    String delete = "delete " + data;
    assertThat(beats).first().isEqualTo(new HostCommands.LocalWork(delete, 0));
    assertThat(beats).filteredOn(b -> b.what().equals(delete) && b.done() > 0 && b.done() < 40_000).isNotEmpty();
  }

  private Shell shell() {
    return env.newActivityStub(Shell.class, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofMinutes(2)).setHeartbeatTimeout(Duration.ofSeconds(2))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build()).build());
  }

  @Test
  void progressParsedOnTheReaderThreadIsHeartbeatedByTheActivity() {
    List<Progress> beats = new CopyOnWriteArrayList<>();
    env.setActivityHeartbeatListener(Progress.class, beats::add);

    int exit = shell().runScript("echo '1024/4096 kB (25%), 0/1 tablespace'; echo 'not progress';"
        + " echo '2048/4096 kB (50%), 0/1 tablespace'; echo 'waiting for WAL'; sleep 5", 60);

    assertThat(exit).isZero();
    // Every heartbeat of the waiting loop carries the latest progress, not null after the first one.
    assertThat(beats).isNotEmpty().allSatisfy(p -> assertThat(p).isEqualTo(new Progress(2048 * 1024, 4096 * 1024, 50)));
  }

  @Test
  void aCancelledActivityKillsTheCommandAndItsChildren() throws Exception {
    Path childPid = tmp.resolve("child.pid");
    CompletableFuture<Integer> call = CompletableFuture.supplyAsync(() -> shell().runScript(
        "sleep 300 & echo $! > " + childPid + "; wait", 600));
    long pid = awaitPid(childPid);
    assertThat(ProcessHandle.of(pid)).hasValueSatisfying(h -> assertThat(h.isAlive()).isTrue());

    env.requestCancelActivity();

    assertThatThrownBy(() -> call.get(30, TimeUnit.SECONDS)).hasRootCauseInstanceOf(
        io.temporal.failure.CanceledFailure.class);
    assertGone(pid);
  }

  @Test
  void aCommandPastItsTimeoutIsKilledWithItsChildren() throws Exception {
    Path childPid = tmp.resolve("child.pid");

    HostCommands.Result r = HostCommands.run(List.of("sh", "-c", "sleep 300 & echo $! > " + childPid + "; wait"),
        Map.of(), 1, line -> { });

    assertThat(r.exitCode()).isEqualTo(-1);
    assertThat(r.tail()).contains("killed after 1 s");
    assertGone(awaitPid(childPid));
  }

  private static long awaitPid(Path file) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      if (Files.exists(file) && !Files.readString(file).isBlank()) {
        return Long.parseLong(Files.readString(file).strip());
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the command did not write " + file);
  }

  private static void assertGone(long pid) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline && ProcessHandle.of(pid).map(HostCommandsTest::alive).orElse(false)) {
      Thread.sleep(50);
    }
    assertThat(ProcessHandle.of(pid).map(HostCommandsTest::alive).orElse(false)).as("child %d still runs", pid).isFalse();
  }

  /** A killed child whose parent died first is a zombie until PID 1 reaps it: that one no longer runs. */
  private static boolean alive(ProcessHandle h) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(h.pid()), "stat"));
      return h.isAlive() && stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
    } catch (java.io.IOException gone) {
      return false;
    }
  }
}
