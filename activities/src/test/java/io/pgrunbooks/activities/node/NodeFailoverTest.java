package io.pgrunbooks.activities.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrunbooks.activities.TestStack;
import io.pgrunbooks.config.ConfigLoader;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.ops.stack.PostgresNode;
import io.pgrunbooks.ops.stack.SharedStack;
import io.pgrunbooks.activities.failover.FailoverActivitiesImpl;
import io.pgrunbooks.workflows.activities.FailoverActivities.FailoverFactsInput;
import io.pgrunbooks.workflows.activities.FailoverActivities.FailoverSettings;
import io.pgrunbooks.workflows.activities.FailoverNodeActivities.FailoverNodeInput;
import io.pgrunbooks.workflows.activities.FailoverNodeActivities.FenceResult;
import io.pgrunbooks.workflows.activities.FailoverNodeActivities.StandbyInput;
import io.pgrunbooks.workflows.common.DataConverters;
import java.util.List;
import java.util.Map;
import io.pgrunbooks.workflows.activities.NodeActivities.CommandOutcome;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guards of rejoin and follow: against the shared stack's real nodes where a server must answer, and against a
 * fake node (a data directory and scripts for pg_ctl and pg_rewind) where a step has to fail halfway.
 */
class NodeFailoverTest {
  private static final String CLUSTER = TestStack.CLUSTER;

  @TempDir
  Path tmp;

  @Test
  void followRefusesTheRunningPrimaryAndLeavesItsDataDirectoryAlone() {
    PostgresNode primary = SharedStack.get().postgres().currentPrimary();
    PostgresNode replica = replicaOf(primary);
    FailoverNodeActivitiesImpl agent = new FailoverNodeActivitiesImpl(ReplicaRebuildOnLocalStackTest.config(),
        primary.name(), TestStack.env());

    assertThatThrownBy(() -> agent.followNewPrimary(new StandbyInput(CLUSTER, primary.name(), replica.name(),
        replica.host(), replica.port(), "never_used")))
        .isInstanceOfSatisfying(ApplicationFailure.class, e -> {
          assertThat(e.getType()).isEqualTo(FailureTypes.SAFETY_REFUSED);
          assertThat(e.isNonRetryable()).isTrue();
          assertThat(e.getOriginalMessage()).contains("is not in recovery (a primary)");
        });
    assertThat(primary.isRunning()).isTrue();
    assertThat(primary.dataDir().resolve("standby.signal")).doesNotExist();
  }

  @Test
  void followFailsWhenTheStopLeavesTheReplicaRunning() throws Exception {
    PostgresNode primary = SharedStack.get().postgres().currentPrimary();
    PostgresNode replica = replicaOf(primary);
    String autoConf = Files.readString(replica.dataDir().resolve("postgresql.auto.conf"));
    String yaml = ReplicaRebuildOnLocalStackTest.yaml()
        + "      stopCommand: \"true\"\n      stopImmediateCommand: \"true\"\n";
    FailoverNodeActivitiesImpl agent = new FailoverNodeActivitiesImpl(
        ConfigLoader.parse(yaml, TestStack.env(), "stop-does-nothing"), replica.name(), TestStack.env());

    assertThatThrownBy(() -> agent.followNewPrimary(new StandbyInput(CLUSTER, replica.name(), primary.name(),
        primary.host(), primary.port(), "elsewhere")))
        .isInstanceOfSatisfying(ApplicationFailure.class, e -> {
          assertThat(e.getType()).isEqualTo("StopFailed");
          assertThat(e.getOriginalMessage()).contains("still runs after a fast and an immediate stop");
        });
    assertThat(replica.isRunning()).isTrue();
    assertThat(Files.readString(replica.dataDir().resolve("postgresql.auto.conf"))).isEqualTo(autoConf);
  }

  @Test
  void followRefusesAStoppedNodeWithoutStandbySignal() throws Exception {
    FakeNode node = new FakeNode(tmp);

    assertThatThrownBy(() -> node.agent().followNewPrimary(node.standbyOf(SharedStack.get().postgres().currentPrimary())))
        .isInstanceOfSatisfying(ApplicationFailure.class, e -> {
          assertThat(e.getType()).isEqualTo(FailureTypes.SAFETY_REFUSED);
          assertThat(e.getOriginalMessage()).contains("no standby.signal");
        });
    assertThat(node.data.resolve("standby.signal")).doesNotExist();
    assertThat(node.data.resolve("postgresql.auto.conf")).hasContent("# own auto.conf");
    assertThat(node.data.resolveSibling("started")).doesNotExist();
  }

  @Test
  void aRewindRetriedAfterPgRewindOverwroteTheConfigRestoresTheNodesOwnFiles() throws Exception {
    FakeNode node = new FakeNode(tmp);
    StandbyInput in = node.standbyOf(SharedStack.get().postgres().currentPrimary());
    Path saved = tmp.resolve("data.rewind-conf");

    // The first attempt dies after pg_rewind has copied the source's postgresql.conf over the node's own.
    assertThatThrownBy(() -> node.agent().rewindAsStandby(in))
        .isInstanceOfSatisfying(ApplicationFailure.class, e -> assertThat(e.getType()).isEqualTo("RewindFailed"));
    assertThat(node.data.resolve("postgresql.conf")).hasContent("# the source's postgresql.conf");
    assertThat(saved.resolve("postgresql.conf")).hasContent("# own postgresql.conf");

    CommandOutcome retried = node.agent().rewindAsStandby(in);

    assertThat(node.data.resolve("postgresql.conf")).hasContent("# own postgresql.conf");
    assertThat(Files.readString(node.data.resolve("postgresql.auto.conf"))).startsWith("# own auto.conf")
        .contains("primary_conninfo = 'host=" + in.primaryHost() + " port=" + in.primaryPort());
    assertThat(node.data.resolve("standby.signal")).exists();
    assertThat(node.data.resolveSibling("started")).exists();
    assertThat(saved).doesNotExist();
    assertThat(retried.commands()).contains("rm -rf " + saved);
  }

  private static PostgresNode replicaOf(PostgresNode primary) {
    return SharedStack.get().postgres().nodes().stream().filter(n -> n != primary).findFirst().orElseThrow();
  }

  /**
   * A stopped node "fake" with its own config files, whose pg_ctl says "not running" and whose pg_rewind overwrites
   * postgresql.conf and fails the first time, succeeds the second.
   */
  @Test
  void secretInTheFenceCommandReachesOnlyTheProcessNeverTheResultOrTheSettings() throws Exception {
    FakeNode node = new FakeNode(tmp);
    String secret = "s3cr3t-fence-token-42";
    Map<String, String> env = new java.util.HashMap<>(TestStack.env());
    env.put("FENCE_TOKEN", secret);
    RunbooksConfig config = node.config("    failover:\n      fenceCommand: touch {dataDir}.fenced-${FENCE_TOKEN}\n", env);
    FailoverNodeActivitiesImpl agent = new FailoverNodeActivitiesImpl(config, "fake", env);

    FenceResult fenced = agent.fencePostgres(new FailoverNodeInput(CLUSTER, "fake"));
    FailoverSettings settings = new FailoverActivitiesImpl(config, null, env, null)
        .failoverSettings(new FailoverFactsInput(CLUSTER));

    assertThat(node.data.resolveSibling("data.fenced-" + secret)).as("the command ran with the value").exists();
    assertThat(fenced.confirmed()).isTrue();
    // Activity results are what the workflow history, the report and the notifications are made of.
    String recorded = DataConverters.objectMapper().writeValueAsString(List.of(fenced, settings));
    assertThat(recorded).doesNotContain(secret).contains("${FENCE_TOKEN}");
    assertThat(config.cluster(CLUSTER).failover().fenceCommand()).isEqualTo("touch {dataDir}.fenced-${FENCE_TOKEN}");
  }

  @Test
  void fenceCommandWhoseVariableIsUnsetOnTheAgentIsAConfigFailureNamingIt() throws Exception {
    FakeNode node = new FakeNode(tmp);
    Map<String, String> loadEnv = new java.util.HashMap<>(TestStack.env());
    loadEnv.put("FENCE_TOKEN", "x");
    RunbooksConfig config = node.config("    failover:\n      fenceCommand: touch /tmp/${FENCE_TOKEN}\n", loadEnv);

    assertThatThrownBy(() -> new FailoverNodeActivitiesImpl(config, "fake", TestStack.env())
        .fencePostgres(new FailoverNodeInput(CLUSTER, "fake")))
        .isInstanceOfSatisfying(ApplicationFailure.class, e -> {
          assertThat(e.getType()).isEqualTo(FailureTypes.CONFIG);
          assertThat(e.getOriginalMessage()).contains("environment variable FENCE_TOKEN is not set");
        });
  }

  private static final class FakeNode {
    final Path data;
    final Path bin;

    FakeNode(Path tmp) throws Exception {
      data = Files.createDirectories(tmp.resolve("data"));
      bin = Files.createDirectories(tmp.resolve("bin"));
      Files.writeString(data.resolve("PG_VERSION"), "15\n");
      Files.writeString(data.resolve("postgresql.conf"), "# own postgresql.conf");
      Files.writeString(data.resolve("postgresql.auto.conf"), "# own auto.conf");
      script("pg_ctl", """
          case " $* " in
            *" status "*) exit 3 ;;
            *" start "*) touch %s; exit 0 ;;
          esac
          exit 0
          """.formatted(tmp.resolve("started")));
      script("pg_rewind", """
          echo "# the source's postgresql.conf" > %s/postgresql.conf
          printf '1024/2048 kB (50%%) copied\\n'
          [ -f %s ] && exit 0
          touch %s
          exit 1
          """.formatted(data, tmp.resolve("rewound-once"), tmp.resolve("rewound-once")));
    }

    private void script(String name, String body) throws Exception {
      Path p = bin.resolve(name);
      Files.writeString(p, "#!/bin/sh\n" + body);
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    FailoverNodeActivitiesImpl agent() {
      return new FailoverNodeActivitiesImpl(config("", TestStack.env()), "fake", TestStack.env());
    }

    RunbooksConfig config(String clusterYaml, Map<String, String> env) {
      String yaml = ReplicaRebuildOnLocalStackTest.yaml().replace("    nodes:\n", "    nodes:\n"
          + "      - {name: fake, host: 127.0.0.1, port: 1, dataDir: %s, binDir: %s, runAs: root}\n".formatted(data, bin))
          + clusterYaml;
      return ConfigLoader.parse(yaml, env, "fake-node");
    }

    StandbyInput standbyOf(PostgresNode primary) {
      return new StandbyInput(CLUSTER, "fake", primary.name(), primary.host(), primary.port(), "fake");
    }
  }
}
