package io.pgrunbooks.activities.node;

import io.pgrunbooks.activities.Lookups;
import io.pgrunbooks.config.ClusterConfig;
import io.pgrunbooks.config.NodeConfig;
import io.pgrunbooks.config.PgBackRestConfig;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.physicalbackup.PgBackRestActivities;
import io.pgrunbooks.workflows.physicalbackup.PgBackRestAnnotateCall;
import io.pgrunbooks.workflows.physicalbackup.PgBackRestBackup;
import io.pgrunbooks.workflows.physicalbackup.PgBackRestCall;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * pgBackRest on this node agent's host. The repository comes from the cluster's pgBackRest config file; the
 * data dir and port from this node's config; the passphrase, when configured, from the agent's environment
 * into pgBackRest's ({@code PGBACKREST_REPO1_CIPHER_PASS}), never onto a command line.
 */
public class PgBackRestActivitiesImpl implements PgBackRestActivities {
  /** Failure type of a backup that pgBackRest refused because another one holds the stanza lock: retried. */
  public static final String LOCKED = "PgBackRestLocked";
  public static final String FAILED = "PgBackRestFailed";
  // Retention is this runbook's decision (with approval); pgBackRest must not expire on its own.
  private static final String NO_RETENTION = "--repo1-retention-full=9999999";

  private final RunbooksConfig config;
  private final String nodeName;
  private final Map<String, String> env;

  public PgBackRestActivitiesImpl(RunbooksConfig config, String nodeName, Map<String, String> env) {
    this.config = config;
    this.nodeName = nodeName;
    this.env = env;
  }

  @Override
  public List<PgBackRestBackup> pgbackrestInfo(PgBackRestCall call) {
    Setup s = setup(call.cluster());
    return info(s);
  }

  @Override
  public PgBackRestBackup pgbackrestBackup(PgBackRestCall call) {
    Setup s = setup(call.cluster());
    Optional<PgBackRestBackup> earlier = byRun(info(s), call.runKey());
    if (earlier.isPresent()) {
      return earlier.get();
    }
    List<String> cmd = s.command();
    cmd.addAll(pgOptions(s, call.cluster(), call.primary()));
    cmd.addAll(List.of("--type=" + call.type(),
        "--annotation=" + PgBackRestInfo.RUN_ANNOTATION + "=" + call.runKey(), "--no-expire-auto",
        "--log-level-console=info", "backup"));
    HostCommands.Result r = HostCommands.run(HostCommands.as(s.node().runAs(), cmd), s.env(),
        TimeUnit.HOURS.toSeconds(12), line -> { }, line -> line.contains("backup file") ? line.strip() : null);
    if (!r.ok()) {
      // A killed earlier attempt's pgbackrest may still run and finish the same backup: look before failing.
      Optional<PgBackRestBackup> finished = byRun(info(s), call.runKey());
      if (finished.isPresent()) {
        return finished.get();
      }
      throw failure("backup", r);
    }
    return byRun(info(s), call.runKey()).orElseThrow(() -> ApplicationFailure.newFailure(
        "pgbackrest backup succeeded but info lists no backup annotated " + call.runKey(), FAILED));
  }

  @Override
  public List<String> pgbackrestExpire(PgBackRestCall call) {
    Setup s = setup(call.cluster());
    List<String> present = info(s).stream().map(PgBackRestBackup::label).toList();
    List<String> expired = new ArrayList<>();
    for (String label : call.labels()) {
      if (!present.contains(label)) {
        continue;
      }
      List<String> cmd = s.command();
      cmd.addAll(List.of(NO_RETENTION, "--set=" + label, "expire"));
      HostCommands.Result r = HostCommands.run(HostCommands.as(s.node().runAs(), cmd), s.env(),
          TimeUnit.HOURS.toSeconds(1), line -> { });
      if (!r.ok()) {
        throw failure("expire --set=" + label, r);
      }
      expired.add(label);
    }
    return expired;
  }

  /**
   * Where pgBackRest finds PostgreSQL: this node as pg1, or for a backup from this standby the primary as pg1 (with
   * {@code pg1-host} when it runs on another host; the config file then says how to reach it) and this node as pg2.
   */
  private List<String> pgOptions(Setup s, String clusterName, String primaryName) {
    List<String> opts = new ArrayList<>();
    // Relative like the dev config's other host paths: resolved against the agent's working directory.
    String socket = s.config().socketPath() == null ? null
        : Path.of(s.config().socketPath()).toAbsolutePath().normalize().toString();
    if (primaryName == null) {
      opts.addAll(List.of("--pg1-path=" + s.dataDir(), "--pg1-port=" + s.node().port()));
      return opts;
    }
    NodeConfig primary = Lookups.node(Lookups.cluster(config, clusterName), clusterName, primaryName);
    if (primary.name().equals(nodeName)) {
      throw Lookups.badInput("a backup from a standby was sent to the primary " + nodeName + "'s own agent");
    }
    opts.addAll(List.of("--pg1-path=" + Path.of(primary.dataDir()).toAbsolutePath().normalize(),
        "--pg1-port=" + primary.port()));
    if (!primary.host().equals(s.node().host())) {
      opts.add("--pg1-host=" + primary.host());
    }
    opts.addAll(List.of("--pg2-path=" + s.dataDir(), "--pg2-port=" + s.node().port(), "--backup-standby"));
    if (socket != null) {
      opts.addAll(List.of("--pg1-socket-path=" + socket, "--pg2-socket-path=" + socket));
    }
    return opts;
  }

  @Override
  public void pgbackrestAnnotate(PgBackRestAnnotateCall call) {
    Setup s = setup(call.cluster());
    List<PgBackRestBackup> backups = info(s);
    Optional<PgBackRestBackup> backup = backups.stream().filter(b -> b.label().equals(call.label())).findFirst();
    if (backup.isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure("backup " + call.label() + " of stanza " + s.config().stanza()
          + " is gone (expired since the drill restored it): nothing to mark as proven", FAILED);
    }
    if (call.proof().equals(backup.get().drillProof())) {
      return;
    }
    List<String> cmd = s.command();
    cmd.addAll(List.of("--set=" + call.label(),
        "--annotation=" + PgBackRestInfo.DRILL_ANNOTATION + "=" + call.proof(), "annotate"));
    HostCommands.Result r = HostCommands.run(HostCommands.as(s.node().runAs(), cmd), s.env(), 300, line -> { });
    if (!r.ok()) {
      throw failure("annotate --set=" + call.label(), r);
    }
  }

  private List<PgBackRestBackup> info(Setup s) {
    List<String> cmd = s.command();
    cmd.addAll(List.of("--output=json", "info"));
    StringBuilder json = new StringBuilder();
    HostCommands.Result r = HostCommands.run(HostCommands.as(s.node().runAs(), cmd), s.env(), 300, line -> {
      if (line.startsWith("[")) {
        json.append(line);
      }
    });
    if (!r.ok() || json.isEmpty()) {
      throw failure("info", r);
    }
    String status = PgBackRestInfo.status(json.toString(), s.config().stanza());
    if (status != null && status.startsWith("missing stanza")) {
      throw ApplicationFailure.newNonRetryableFailure("pgBackRest stanza " + s.config().stanza() + " of cluster "
          + s.cluster() + ": " + status + " (run pgbackrest stanza-create; see ops/docs/physical-backup.md)",
          FailureTypes.CONFIG);
    }
    return PgBackRestInfo.backups(json.toString(), s.config().stanza());
  }

  private static Optional<PgBackRestBackup> byRun(List<PgBackRestBackup> backups, String runKey) {
    return runKey == null ? Optional.empty()
        : backups.stream().filter(b -> runKey.equals(b.runKey())).reduce((a, b) -> b);
  }

  private static ApplicationFailure failure(String what, HostCommands.Result r) {
    String message = "pgbackrest " + what + " failed (exit " + r.exitCode() + "): " + r.tail().strip();
    if (r.tail().contains("ERROR: [050]")) {
      return ApplicationFailure.newFailure(message, LOCKED);
    }
    // Option and config-file errors do not heal by retrying.
    if (r.tail().contains("ERROR: [031]") || r.tail().contains("ERROR: [032]") || r.tail().contains("ERROR: [037]")) {
      return ApplicationFailure.newNonRetryableFailure(message, FailureTypes.CONFIG);
    }
    return ApplicationFailure.newFailure(message, FAILED);
  }

  private Setup setup(String clusterName) {
    ClusterConfig cluster = Lookups.cluster(config, clusterName);
    if (cluster.pgbackrest() == null) {
      throw Lookups.badInput("cluster " + clusterName + " has no pgbackrest section (see ops/docs/physical-backup.md)");
    }
    NodeConfig node = Lookups.node(cluster, clusterName, nodeName);
    Map<String, String> childEnv = new HashMap<>();
    String pass = cluster.pgbackrest().resolveCipherPass(env);
    if (pass != null) {
      childEnv.put("PGBACKREST_REPO1_CIPHER_PASS", pass);
      childEnv.put("PGBACKREST_REPO1_CIPHER_TYPE", "aes-256-cbc");
    }
    return new Setup(clusterName, cluster.pgbackrest(), node, childEnv);
  }

  private record Setup(String cluster, PgBackRestConfig config, NodeConfig node, Map<String, String> env) {
    Path dataDir() {
      return Path.of(node.dataDir()).toAbsolutePath().normalize();
    }

    List<String> command() {
      return new ArrayList<>(List.of(config.command(),
          "--config=" + Path.of(config.configFile()).toAbsolutePath().normalize(),
          "--stanza=" + config.stanza(), "--repo1-path=" + config.repoPath()));
    }
  }
}
