package io.pgrunbooks.activities.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrunbooks.activities.TestStack;
import io.pgrunbooks.config.ConfigLoader;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.ops.stack.PostgresNode;
import io.pgrunbooks.workflows.activities.DiskUsage;
import io.pgrunbooks.workflows.activities.DiskUsageInput;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeActivitiesImplTest {
  @TempDir
  Path tmp;

  @Test
  void diskUsageOfARealDataDirectoryIsMeasured() {
    PostgresNode primary = TestStack.stack().postgres().primary();
    NodeActivitiesImpl agent = new NodeActivitiesImpl(TestStack.config(300), primary.name());

    DiskUsage usage = agent.diskUsage(new DiskUsageInput(TestStack.CLUSTER, primary.name()));

    assertThat(usage.node()).isEqualTo(primary.name());
    assertThat(usage.dataDir()).isEqualTo(primary.dataDir().toAbsolutePath().toString());
    // initdb alone writes some 20 MB of catalog and WAL.
    assertThat(usage.dataDirBytes()).isGreaterThan(10L * 1024 * 1024);
    assertThat(usage.filesystemTotalBytes()).isGreaterThan(usage.dataDirBytes());
    assertThat(usage.filesystemFreeBytes()).isBetween(0L, usage.filesystemTotalBytes());
    assertThat(usage.usedPercent()).isBetween(0, 100);
    assertThat(usage.agentHost()).isNotBlank();
  }

  @Test
  void agentRefusesToMeasureAnotherNode() {
    var nodes = TestStack.stack().postgres().nodes();
    NodeActivitiesImpl agent = new NodeActivitiesImpl(TestStack.config(300), nodes.get(0).name());
    String other = nodes.get(1).name();

    assertThatThrownBy(() -> agent.diskUsage(new DiskUsageInput(TestStack.CLUSTER, other)))
        .isInstanceOfSatisfying(ApplicationFailure.class, e -> {
          assertThat(e.getType()).isEqualTo(FailureTypes.BAD_INPUT);
          assertThat(e.isNonRetryable()).isTrue();
          assertThat(e.getOriginalMessage()).contains("node agent of " + nodes.get(0).name(), "asked about node " + other);
        });
  }

  @Test
  void filesAreSummedWithoutFollowingLinksExceptALinkedPgWal() throws Exception {
    Path data = Files.createDirectories(tmp.resolve("data"));
    Files.write(data.resolve("PG_VERSION"), new byte[3]);
    Files.createDirectories(data.resolve("base/1"));
    Files.write(data.resolve("base/1/1259"), new byte[8192]);
    Path elsewhere = Files.createDirectories(tmp.resolve("tablespace"));
    Files.write(elsewhere.resolve("big"), new byte[100_000]);
    Files.createDirectories(data.resolve("pg_tblspc"));
    Files.createSymbolicLink(data.resolve("pg_tblspc/16400"), elsewhere);
    Path walVolume = Files.createDirectories(tmp.resolve("wal"));
    Files.write(walVolume.resolve("000000010000000000000001"), new byte[16384]);
    Files.createSymbolicLink(data.resolve("pg_wal"), walVolume);

    DiskUsage usage = agent("n1", data).diskUsage(new DiskUsageInput("c", "n1"));

    assertThat(usage.dataDirBytes()).isEqualTo(3 + 8192 + 16384);
  }

  @Test
  void missingDataDirectoryIsAConfigError() {
    Path missing = tmp.resolve("nope");

    assertThatThrownBy(() -> agent("n1", missing).diskUsage(new DiskUsageInput("c", "n1")))
        .isInstanceOfSatisfying(ApplicationFailure.class, e -> {
          assertThat(e.getType()).isEqualTo(FailureTypes.CONFIG);
          assertThat(e.getOriginalMessage()).contains(missing.toString(), "does not exist");
        });
  }

  @Test
  void unknownClusterIsBadInput() {
    assertThatThrownBy(() -> agent("n1", tmp).diskUsage(new DiskUsageInput("other", "n1")))
        .isInstanceOfSatisfying(ApplicationFailure.class,
            e -> assertThat(e.getType()).isEqualTo(FailureTypes.BAD_INPUT));
  }

  private static NodeActivitiesImpl agent(String node, Path dataDir) {
    RunbooksConfig config = ConfigLoader.parse("""
        clusters:
          c:
            nodes:
              - {name: %s, host: 127.0.0.1, dataDir: "%s"}
        """.formatted(node, dataDir), Map.of(), "test");
    return new NodeActivitiesImpl(config, node);
  }
}
