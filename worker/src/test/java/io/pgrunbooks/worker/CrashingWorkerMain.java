package io.pgrunbooks.worker;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pgrunbooks.config.ConfigLoader;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.activity.ActivityInfo;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The worker or node agent exactly as {@link WorkerMain} wires it, plus the crash sweep's "completing" kill point:
 * when the file {@code crash-trigger} beside the config holds {@code <workflowIdSuffix>|<ordinal>}, the process halts
 * (no shutdown hook, no report, as SIGKILL) right after the method of that run's {@code ordinal}-th scheduled activity
 * (0-based, in history order) returned, i.e. after its side effect and before Temporal hears of it. The trigger is
 * written before the run starts, so even an activity that takes a millisecond is caught. Args: {@code worker --config
 * F} or {@code agent --node N --config F}.
 */
public final class CrashingWorkerMain {
  private CrashingWorkerMain() {}

  /** The trigger file of the processes started with {@code config}. */
  public static Path trigger(Path config) {
    return config.resolveSibling("crash-trigger");
  }

  public static void main(String[] args) throws Exception {
    boolean central = args[0].equals("worker");
    String node = null;
    Path config = null;
    for (int i = 1; i < args.length; i++) {
      if (args[i].equals("--config")) {
        config = Path.of(args[++i]);
      } else if (args[i].equals("--node")) {
        node = args[++i];
      }
    }
    RunbooksConfig cfg = ConfigLoader.fromArgsOrEnv(config.toString());
    WorkflowServiceStubs service = TemporalConnection.serviceStubs(cfg.temporal(), System.getenv(),
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    WorkflowClient client = TemporalConnection.client(service, cfg.temporal());
    WorkerFactory factory = WorkerFactory.newInstance(client, WorkerFactoryOptions.newBuilder()
        .setWorkerInterceptors(new HaltAfter(trigger(config), service, cfg.temporal().namespace())).build());
    String queue = central ? TaskQueues.CENTRAL : TaskQueues.node(node);
    Worker worker = factory.newWorker(queue);
    if (central) {
      Wiring.CentralActivities activities = Wiring.activities(client, cfg, System.getenv());
      Wiring.registerCentral(worker, activities);
      // The heavy queue in the same process, as the real worker does by default (crashes halt it too).
      Wiring.registerHeavy(factory.newWorker(TaskQueues.HEAVY), activities);
    } else {
      Wiring.registerAgent(worker, cfg, node, System.getenv());
    }
    factory.start();
    System.out.println((central ? "worker" : "agent") + " polling task queue " + queue + " (crash sweep build)");
    System.out.flush();
    Thread.currentThread().join();
  }

  private static final class HaltAfter extends WorkerInterceptorBase {
    private final Path trigger;
    private final WorkflowServiceStubs service;
    private final String namespace;

    HaltAfter(Path trigger, WorkflowServiceStubs service, String namespace) {
      this.trigger = trigger;
      this.service = service;
      this.namespace = namespace;
    }

    @Override
    public ActivityInboundCallsInterceptor interceptActivity(ActivityInboundCallsInterceptor next) {
      return new ActivityInboundCallsInterceptorBase(next) {
        private ActivityExecutionContext context;

        @Override
        public void init(ActivityExecutionContext context) {
          this.context = context;
          super.init(context);
        }

        @Override
        public ActivityOutput execute(ActivityInput input) {
          ActivityOutput out = super.execute(input);
          ActivityInfo info = context.getInfo();
          if (named(info)) {
            System.out.println("crash sweep: halting after " + info.getActivityType() + " returned, before reporting it");
            System.out.flush();
            Runtime.getRuntime().halt(137);
          }
          return out;
        }
      };
    }

    private boolean named(ActivityInfo info) {
      String[] want;
      try {
        if (!Files.exists(trigger)) {
          return false;
        }
        want = Files.readString(trigger).strip().split("\\|");
      } catch (IOException e) {
        return false;
      }
      if (want.length != 2 || !info.getWorkflowId().endsWith(":" + want[0])) {
        return false;
      }
      int ordinal = 0;
      for (HistoryEvent e : service.blockingStub().getWorkflowExecutionHistory(GetWorkflowExecutionHistoryRequest
          .newBuilder().setNamespace(namespace).setExecution(WorkflowExecution.newBuilder()
              .setWorkflowId(info.getWorkflowId()).setRunId(info.getRunId())).setMaximumPageSize(10_000).build())
          .getHistory().getEventsList()) {
        if (e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
          if (e.getActivityTaskScheduledEventAttributes().getActivityId().equals(info.getActivityId())) {
            return Integer.toString(ordinal).equals(want[1]);
          }
          ordinal++;
        }
      }
      return false;
    }
  }
}
