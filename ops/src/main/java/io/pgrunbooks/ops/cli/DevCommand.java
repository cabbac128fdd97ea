package io.pgrunbooks.ops.cli;

import io.pgrunbooks.config.BackupConfig;
import io.pgrunbooks.config.ClusterConfig;
import io.pgrunbooks.config.ConfigException;
import io.pgrunbooks.config.ConfigLoader;
import io.pgrunbooks.config.NodeConfig;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.config.ScheduleConfig;
import io.pgrunbooks.ops.dev.ChildProcess;
import io.pgrunbooks.ops.dev.DemoDatabase;
import io.pgrunbooks.ops.dev.DevApi;
import io.pgrunbooks.ops.dev.DevLayout;
import io.pgrunbooks.ops.dev.DevPatroni;
import io.pgrunbooks.ops.dev.DevPgBackRest;
import io.pgrunbooks.ops.dev.DevSecrets;
import io.pgrunbooks.ops.stack.LeftoverServers;
import io.pgrunbooks.ops.stack.LocalStack;
import io.pgrunbooks.ops.stack.LocalStackOptions;
import io.pgrunbooks.ops.stack.PatroniServers;
import io.pgrunbooks.ops.stack.PgBackRestStack;
import io.pgrunbooks.ops.stack.PostgresNode;
import io.pgrunbooks.ops.stack.Processes;
import io.pgrunbooks.ops.stack.VerificationInstance;
import io.pgrunbooks.client.PlainWords;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code runbooks dev}: the whole local stack on fixed ports (from the config), the worker and one
 * node agent per node as processes, and the demo database; Ctrl-C stops everything. State is kept
 * in the dev directory across restarts.
 */
@Command(name = "dev", mixinStandardHelpOptions = true,
    description = "Run the local stack: Temporal dev server + UI, PostgreSQL primary and replica, PgBouncer, "
        + "S3 store, worker, node agents, the REST API with the approvals page and the demo database `app`.")
final class DevCommand implements Callable<Integer> {
  private static final String WORKER_MAIN = "io.pgrunbooks.worker.WorkerMain";

  @Option(names = "--config", description = "Config file (default: ops/config/dev.yml of the checkout).")
  Path config;

  @Option(names = "--dir", description = "State directory (default: .runbooks-dev in the working directory).")
  Path dir = Path.of(".runbooks-dev");

  @Option(names = "--fresh", description = "Delete the state directory first: new databases, bucket and history.")
  boolean fresh;

  @Option(names = "--topology", description = "direct (default: the stack runs PostgreSQL with pg_ctl) or patroni "
      + "(one etcd and one Patroni per node; the cluster is run with topology: patroni, see ops/docs/patroni.md).")
  String topology = ClusterConfig.DIRECT;

  @Override
  public Integer call() throws Exception {
    DevLayout layout = DevLayout.of(Path.of(System.getenv().getOrDefault("RUNBOOKS_HOME", ".")));
    Path configFile = (config != null ? config : layout.defaultConfig()).toAbsolutePath().normalize();
    Path devDir = dir.toAbsolutePath().normalize();
    if (fresh) {
      Processes.deleteTree(devDir);
    }
    Files.createDirectories(devDir);
    DevSecrets secrets = DevSecrets.loadOrCreate(devDir);
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("RUNBOOKS_DEV_DIR", devDir.toString());
    env.putIfAbsent("RUNBOOKS_PG_PASSWORD", secrets.pgPassword());
    env.put("RUNBOOKS_S3_ACCESS_KEY", LocalStack.S3_ACCESS_KEY);
    env.put("RUNBOOKS_S3_SECRET_KEY", LocalStack.S3_SECRET_KEY);

    RunbooksConfig cfg;
    try {
      cfg = ConfigLoader.load(configFile, env);
    } catch (ConfigException e) {
      System.err.println(e.getMessage());
      return 2;
    }
    if (cfg.clusters().size() != 1) {
      System.err.println("runbooks dev runs one cluster; " + configFile + " has " + cfg.clusters().keySet());
      return 2;
    }
    ClusterConfig cluster = cfg.clusters().values().iterator().next();
    if (!List.of(ClusterConfig.DIRECT, ClusterConfig.PATRONI).contains(topology)) {
      System.err.println("--topology must be direct or patroni, not " + topology);
      return 2;
    }
    boolean onPatroni = ClusterConfig.PATRONI.equals(topology);
    if (!onPatroni && cluster.onPatroni()) {
      System.err.println(configFile + " has a Patroni cluster; start it with --topology patroni");
      return 2;
    }
    if (onPatroni) {
      try {
        configFile = DevPatroni.config(configFile, cfg.clusters().keySet().iterator().next(), cluster, devDir);
        cfg = ConfigLoader.load(configFile, env);
      } catch (ConfigException e) {
        System.err.println(e.getMessage());
        return 2;
      }
      cluster = cfg.clusters().values().iterator().next();
    }
    String pgbackrestProblem = DevPgBackRest.problem(cluster, devDir);
    if (pgbackrestProblem != null) {
      System.err.println(pgbackrestProblem);
      return 2;
    }
    LocalStackOptions options = stackOptions(cfg, cluster, devDir, env.get("RUNBOOKS_PG_PASSWORD"));
    if (onPatroni) {
      options = options.withPatroni(DevPatroni.ports(cluster));
    }
    // BackupVerification's separate instance, when the config points at one on this machine.
    BackupConfig.VerificationTarget target = cfg.backup().verificationFor(cfg.clusters().keySet().iterator().next());
    boolean localVerify = target != null && List.of("127.0.0.1", "localhost").contains(target.host());
    java.util.Optional<Long> owner = LeftoverServers.claim(devDir);
    if (owner.isPresent()) {
      System.err.println("another runbooks dev (pid " + owner.get() + ") is running in " + devDir);
      return 3;
    }
    // After a hard stop of a previous `runbooks dev`, its servers may still run from this directory.
    for (String leftover : LeftoverServers.stop(devDir)) {
      System.out.println("stopped " + leftover + ", left running by an earlier runbooks dev that did not shut down");
    }
    List<String> busy = busyPorts(options, localVerify ? target.port() : 0, cfg.api().port(), cfg.api().adminPort());
    if (!busy.isEmpty()) {
      System.err.println("ports in use: " + busy + " (is another `runbooks dev` running? change the ports in "
          + configFile + ")");
      return 3;
    }

    long t0 = System.nanoTime();
    System.out.println("starting the local stack in " + devDir + " ...");
    DevPgBackRest.beforeStart(cluster, devDir);
    LocalStack stack = LocalStack.start(options);
    VerificationInstance verify = localVerify
        ? VerificationInstance.start(devDir.resolve("verify"), target.port(), env.get("RUNBOOKS_PG_PASSWORD"), true)
        : null;
    List<ChildProcess> children = new ArrayList<>();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("\nstopping worker, agents and the local stack ...");
      children.forEach(ChildProcess::stop);
      if (verify != null) {
        verify.close();
      }
      stack.close();
      stopped.countDown();
    }, "runbooks-dev-stop"));

    PgBackRestStack pgbackrest = DevPgBackRest.afterStart(cluster, stack, env);
    if (pgbackrest != null) {
      System.out.println("  WAL archiving to pgBackRest stanza " + cluster.pgbackrest().stanza() + " checked ("
          + stack.s3().secureEndpoint() + ", CA " + stack.s3().caFile() + ")");
    }
    // Under Patroni the leader after a restart may be any node.
    PostgresNode primary = onPatroni ? stack.postgres().currentPrimary() : stack.postgres().primary();
    for (String line : DemoDatabase.ensure(primary.host(), primary.port(), cluster.credentials().user(),
        env.get("RUNBOOKS_PG_PASSWORD"), YearMonth.now(ZoneOffset.UTC))) {
      System.out.println("  created " + line);
    }

    String classpath = layout.workerClasspath();
    Path logs = devDir.resolve("logs");
    children.add(ChildProcess.startJava("worker", classpath, WORKER_MAIN,
        List.of("worker", "--config", configFile.toString()), env, logs.resolve("worker.log")));
    for (NodeConfig node : cluster.nodes()) {
      children.add(ChildProcess.startJava("agent-" + node.name(), classpath, WORKER_MAIN,
          List.of("agent", "--node", node.name(), "--config", configFile.toString()), env,
          logs.resolve("agent-" + node.name() + ".log")));
    }
    for (ChildProcess child : children) {
      child.awaitLog("polling task queue", Duration.ofSeconds(90));
    }
    applySchedules(cfg.schedules(), stack.temporal().address(), stack.temporal().namespace(), System.out);
    children.add(DevApi.start(layout, configFile, cfg, env, secrets, logs));

    Map<String, Object> description = new LinkedHashMap<>(stack.describe());
    if (verify != null) {
      description.put("verify", Map.of("host", verify.node().host(), "port", verify.node().port(),
          "dataDir", verify.node().dataDir().toString()));
    }
    if (pgbackrest != null) {
      description.put("pgbackrest", DevPgBackRest.describe(cluster, pgbackrest));
    }
    description.put("api", DevApi.describe(cfg));
    description.put("config", configFile.toString());
    Path stackJson = devDir.resolve("stack.json");
    Files.writeString(stackJson, io.pgrunbooks.workflows.common.DataConverters.objectMapper()
        .writerWithDefaultPrettyPrinter().writeValueAsString(description));

    printBanner(stack, cfg, cluster, stackJson, logs, (System.nanoTime() - t0) / 1_000_000);
    System.out.printf("  Approvals page  http://127.0.0.1:%d  (REST API under /api/v1; users %s, passwords in %s)%n%n",
        cfg.api().port(), DevApi.describe(cfg).get("users"), secrets.file());
    if (onPatroni) {
      System.out.printf("  Patroni         REST APIs %s (user %s, password in %s), etcd %s; config %s%n%n",
          stack.postgres().patroni().restUrls(), PatroniServers.REST_USER, stack.postgres().patroni().passwordFile(),
          stack.postgres().patroni().etcdUrl(), configFile);
    }
    stopped.await();
    return 0;
  }

  /**
   * The config's schedules, once the worker polls; never prunes (`runbooks schedules apply --prune`
   * does). A failure is printed, not fatal: the stack is still useful without its cadence.
   */
  static void applySchedules(List<ScheduleConfig> schedules, String address, String namespace, PrintStream out) {
    TemporalOptions t = new TemporalOptions();
    t.address = address;
    t.namespace = namespace;
    t.connectTimeoutSeconds = 10;
    try (TemporalSession session = TemporalSession.open(t)) {
      for (int i = 0; i < schedules.size(); i++) {
        RunbookSchedules.checkInput(schedules.get(i), i);
      }
      new ScheduleSync(session.schedules(), false, line -> out.println("  schedule " + line)).apply(schedules, false);
    } catch (RuntimeException e) {
      out.println("  schedules were not applied: " + PlainWords.failure(e));
    }
  }

  private static LocalStackOptions stackOptions(RunbooksConfig cfg, ClusterConfig cluster, Path devDir,
                                                String password) {
    List<NodeConfig> nodes = cluster.nodes();
    URI temporal = URI.create("tcp://" + cfg.temporal().target());
    URI ui = URI.create(cfg.temporal().uiUrl());
    URI s3 = URI.create(cfg.archive() != null && cfg.archive().endpoint() != null
        ? cfg.archive().endpoint() : "http://127.0.0.1:19000");
    int pgbouncerPort = cluster.pgbouncer() != null ? cluster.pgbouncer().port() : 16432;
    return new LocalStackOptions(devDir, nodes.get(0).name(),
        nodes.subList(1, nodes.size()).stream().map(NodeConfig::name).toList(),
        nodes.get(0).port(),
        nodes.subList(1, nodes.size()).stream().map(NodeConfig::port).toList(),
        pgbouncerPort, s3.getPort(), temporal.getPort(), ui.getPort(), password,
        devDir.resolve("s3"), devDir.resolve("temporal.db"), true, DevPgBackRest.S3_TLS_PORT);
  }

  private static List<String> busyPorts(LocalStackOptions o, int verifyPort, int... apiPorts) {
    List<Integer> ports = new ArrayList<>(List.of(o.postgresPort(), o.pgbouncerPort(), o.s3Port(), o.s3TlsPort(),
        o.temporalPort(), o.temporalUiPort()));
    if (o.patroni() != null) {
      ports.addAll(DevPatroni.listenPorts(o.patroni()));
    }
    for (int port : apiPorts) {
      ports.add(port);
    }
    ports.addAll(o.replicaPorts());
    if (verifyPort > 0) {
      ports.add(verifyPort);
    }
    List<String> busy = new ArrayList<>();
    for (int port : ports) {
      try (ServerSocket socket = new ServerSocket(port)) {
        socket.setReuseAddress(true);
      } catch (IOException e) {
        busy.add(String.valueOf(port));
      }
    }
    return busy;
  }

  private static void printBanner(LocalStack stack, RunbooksConfig cfg, ClusterConfig cluster, Path stackJson,
                                  Path logs, long millis) {
    String address = stack.temporal().address();
    String clusterName = cfg.clusters().keySet().iterator().next();
    System.out.printf("""

        pg-runbooks local stack is up (%.1f s).
          Temporal UI     %s
          Temporal        %s (namespace %s)
          PostgreSQL      %s
          PgBouncer       %s:%d (admin console: database pgbouncer)
          S3 store        %s bucket %s
          stack.json      %s
          logs            %s

        Start a health check of cluster '%s' and read its report:
          ./runbooks start HealthCheck --input '{"cluster": "%s"}' --wait
        or with the temporal CLI:
          temporal workflow start --address %s --task-queue pg-runbooks --type HealthCheck \\
            --workflow-id health-check:%s --input '{"cluster": "%s"}'
          temporal workflow result --address %s --workflow-id health-check:%s

        Ctrl-C stops everything (state stays in %s; --fresh starts over).
        """, millis / 1000.0, stack.temporal().uiUrl(), address, stack.temporal().namespace(),
        stack.postgres().nodes().stream().map(n -> n.name() + "=" + n.host() + ":" + n.port()).toList(),
        stack.pgbouncer().host(), stack.pgbouncer().port(), stack.s3().endpoint(), stack.s3().bucket(),
        stackJson, logs, clusterName, clusterName, address, clusterName, clusterName, address, clusterName,
        stackJson.getParent());
  }
}
