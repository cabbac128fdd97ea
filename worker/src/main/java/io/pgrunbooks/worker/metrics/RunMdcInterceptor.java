package io.pgrunbooks.worker.metrics;

import io.temporal.activity.ActivityExecutionContext;
import io.temporal.activity.ActivityInfo;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptorBase;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInfo;
import java.lang.reflect.RecordComponent;
import java.util.List;
import org.slf4j.MDC;

/**
 * Puts the run into the MDC of every log line emitted inside it: {@code workflowId}, {@code runId},
 * {@code runbook}, {@code cluster} (from the input's {@code cluster} field, when it has one) and, in
 * activities, {@code activity}. JSON logs ({@code worker.logFormat: json}) carry them as fields. Only
 * thread-local state is touched: nothing reaches history.
 */
public final class RunMdcInterceptor extends WorkerInterceptorBase {
  static final List<String> KEYS = List.of("workflowId", "runId", "runbook", "cluster", "activity");

  @Override
  public WorkflowInboundCallsInterceptor interceptWorkflow(WorkflowInboundCallsInterceptor next) {
    return new WorkflowInboundCallsInterceptorBase(next) {
      @Override
      public WorkflowOutput execute(WorkflowInput input) {
        WorkflowInfo info = Workflow.getInfo();
        put(info.getWorkflowId(), info.getRunId(), info.getWorkflowType(), clusterOf(input.getArguments()), null);
        try {
          return super.execute(input);
        } finally {
          clear();
        }
      }
    };
  }

  @Override
  public ActivityInboundCallsInterceptor interceptActivity(ActivityInboundCallsInterceptor next) {
    return new ActivityInboundCallsInterceptorBase(next) {
      // Activity.getExecutionContext() is not available here yet: the SDK hands the context to init.
      private ActivityExecutionContext context;

      @Override
      public void init(ActivityExecutionContext context) {
        this.context = context;
        super.init(context);
      }

      @Override
      public ActivityOutput execute(ActivityInput input) {
        ActivityInfo info = context.getInfo();
        put(info.getWorkflowId(), info.getRunId(), info.getWorkflowType(), clusterOf(input.getArguments()),
            info.getActivityType());
        try {
          return super.execute(input);
        } finally {
          clear();
        }
      }
    };
  }

  /** The {@code cluster} of the first argument that is a record with a String {@code cluster} component. */
  static String clusterOf(Object[] args) {
    if (args == null) {
      return null;
    }
    for (Object a : args) {
      if (a != null && a.getClass().isRecord()) {
        for (RecordComponent c : a.getClass().getRecordComponents()) {
          if (c.getName().equals("cluster") && c.getType() == String.class) {
            try {
              return (String) c.getAccessor().invoke(a);
            } catch (ReflectiveOperationException e) {
              return null;
            }
          }
        }
      }
    }
    return null;
  }

  private static void put(String workflowId, String runId, String runbook, String cluster, String activity) {
    String[] values = {workflowId, runId, runbook, cluster, activity};
    for (int i = 0; i < KEYS.size(); i++) {
      if (values[i] != null) {
        MDC.put(KEYS.get(i), values[i]);
      }
    }
  }

  private static void clear() {
    KEYS.forEach(MDC::remove);
  }
}
