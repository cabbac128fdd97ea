package io.pgrunbooks.worker;

import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pgrunbooks.config.ConfigException;
import io.pgrunbooks.config.ConfigLoader;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.config.WorkerConfig;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import io.pgrunbooks.worker.metrics.PendingApprovals;
import io.pgrunbooks.worker.metrics.RunMdcInterceptor;
import io.pgrunbooks.worker.metrics.RunMetricsInterceptor;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running worker or node agent: Temporal connection, one worker on its task queue, and the
 * metrics/health endpoints. {@link #close()} drains in-flight tasks before disconnecting.
 */
final class WorkerProcess implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WorkerProcess.class);

  private final String mode;
  private final String taskQueue;
  private final WorkflowServiceStubs service;
  private final WorkerFactory factory;
  private final HttpEndpoints http;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean closing;
  private PendingApprovals pendingApprovals;

  private WorkerProcess(String mode, String taskQueue, WorkflowServiceStubs service, WorkerFactory factory,
                        PrometheusMeterRegistry registry, int metricsPort) {
    this.mode = mode;
    this.taskQueue = taskQueue;
    this.service = service;
    this.factory = factory;
    this.http = metricsPort > 0 ? HttpEndpoints.start(metricsPort, registry, this::liveness, this::health) : null;
  }

  /** The central worker: every workflow and the central activities on {@code pg-runbooks}. */
  static WorkerProcess central(RunbooksConfig cfg, Map<String, String> env) {
    // The worker needs the cluster, archive and notification secrets (not the API's): refuse to
    // start without them rather than fail every run later.
    List<String> missing = ConfigLoader.secretProblems(cfg, env).stream()
        .filter(p -> !p.startsWith("api.")).toList();
    if (!missing.isEmpty()) {
      throw new ConfigException("(environment)", missing);
    }
    List<String> badQueues = cfg.worker().queues().stream().filter(q -> !WorkerConfig.QUEUES.contains(q)).toList();
    if (cfg.worker().queues().isEmpty() || !badQueues.isEmpty()) {
      throw new ConfigException("(command line)", List.of("--queues: unknown task queue(s) " + badQueues
          + " (known: " + String.join(", ", WorkerConfig.QUEUES) + ")"));
    }
    WorkerConfig w = cfg.worker();
    List<String> queues = new java.util.ArrayList<>();
    if (w.polls(WorkerConfig.CENTRAL)) {
      queues.add(TaskQueues.CENTRAL);
    }
    if (w.polls(WorkerConfig.HEAVY)) {
      queues.add(TaskQueues.HEAVY);
    }
    return start("worker", queues, cfg, env, w.metricsPort(), (factory, client) -> {
      Wiring.CentralActivities activities = Wiring.activities(client, cfg, env);
      if (w.polls(WorkerConfig.CENTRAL)) {
        Wiring.registerCentral(factory.newWorker(TaskQueues.CENTRAL, Wiring.options(w.central(), true)), activities);
      }
      if (w.polls(WorkerConfig.HEAVY)) {
        Wiring.registerHeavy(factory.newWorker(TaskQueues.HEAVY, Wiring.options(w.heavy(), false)), activities);
      }
    });
  }

  /** The node agent of {@code node}: host-local activities on {@code pg-runbooks-node-<node>}. */
  static WorkerProcess agent(RunbooksConfig cfg, String node, Map<String, String> env) {
    List<String> clusters = cfg.clusters().entrySet().stream()
        .filter(e -> e.getValue().node(node) != null).map(Map.Entry::getKey).toList();
    if (clusters.size() != 1) {
      throw new ConfigException("(command line)", List.of("--node " + node + ": "
          + (clusters.isEmpty() ? "no cluster in the config has this node (known: " + knownNodes(cfg) + ")"
              : "the node name is used by several clusters " + clusters + "; node names must be unique")));
    }
    int port = cfg.cluster(clusters.get(0)).node(node).agentMetricsPort();
    return start("agent", List.of(TaskQueues.node(node)), cfg, env, port,
        (factory, client) -> Wiring.registerAgent(factory.newWorker(TaskQueues.node(node)), cfg, node, env));
  }

  private static WorkerProcess start(String mode, List<String> queues, RunbooksConfig cfg, Map<String, String> env,
                                     int metricsPort,
                                     java.util.function.BiConsumer<WorkerFactory, WorkflowClient> register) {
    String queue = String.join(",", queues);
    LogFormat.apply(cfg.worker().logFormat());
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    WorkflowServiceStubs service = TemporalConnection.serviceStubs(cfg.temporal(), env, registry);
    WorkflowClient client = TemporalConnection.client(service, cfg.temporal());
    // Runbook metrics beside the SDK's: only the central worker runs workflows.
    WorkerFactory factory = WorkerFactory.newInstance(client, WorkerFactoryOptions.newBuilder()
        .setWorkerInterceptors(new RunMetricsInterceptor(), new RunMdcInterceptor()).build());
    register.accept(factory, client);
    factory.start();
    WorkerProcess process = new WorkerProcess(mode, queue, service, factory, registry, metricsPort);
    if (queues.contains(TaskQueues.CENTRAL)) {
      process.pendingApprovals = new PendingApprovals(registry, client, cfg.approvals(), java.time.Clock.systemUTC())
          .startRefreshing(java.time.Duration.ofSeconds(30));
    }
    log.info("{} polling task queue(s) {} on {} namespace {}", mode, queue, cfg.temporal().target(),
        cfg.temporal().namespace());
    return process;
  }

  private static String knownNodes(RunbooksConfig cfg) {
    return cfg.clusters().values().stream().flatMap(c -> c.nodes().stream()).map(n -> n.name()).toList().toString();
  }

  /** Alive while not shutting down: a Temporal outage is no reason to restart the process. */
  HttpEndpoints.Health liveness() {
    boolean alive = !closing && !factory.isShutdown();
    return new HttpEndpoints.Health(alive, String.format("{\"status\":\"%s\",\"mode\":\"%s\"}",
        alive ? "UP" : "DOWN", mode));
  }

  /** Ready when the worker polls its task queue and Temporal answers (the config was valid to get here). */
  HttpEndpoints.Health health() {
    boolean polling = factory.isStarted() && !factory.isShutdown();
    String temporal;
    try {
      service.blockingStub().withDeadlineAfter(2, TimeUnit.SECONDS).getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
      temporal = "SERVING";
    } catch (RuntimeException e) {
      temporal = "UNREACHABLE";
    }
    boolean up = polling && "SERVING".equals(temporal);
    String json = String.format("{\"status\":\"%s\",\"mode\":\"%s\",\"taskQueue\":\"%s\",\"config\":\"valid\",\"polling\":%s,\"temporal\":\"%s\"}",
        up ? "UP" : "DOWN", mode, taskQueue, polling, temporal);
    return new HttpEndpoints.Health(up, json);
  }

  /** The Temporal worker of {@code queue} in this process, or null when it does not poll that queue. */
  io.temporal.worker.Worker worker(String queue) {
    return factory.tryGetWorker(queue);
  }

  void awaitTermination() throws InterruptedException {
    stopped.await();
  }

  @Override
  public synchronized void close() {
    if (closing) {
      return;
    }
    closing = true;
    log.info("{} shutting down: finishing in-flight tasks", mode);
    if (pendingApprovals != null) {
      pendingApprovals.close();
    }
    factory.shutdown();
    factory.awaitTermination(30, TimeUnit.SECONDS);
    service.shutdown();
    if (http != null) {
      http.close();
    }
    stopped.countDown();
  }
}
