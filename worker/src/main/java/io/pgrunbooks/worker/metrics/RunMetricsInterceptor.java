package io.pgrunbooks.worker.metrics;

import com.uber.m3.tally.Scope;
import io.pgrunbooks.workflows.registry.Runbooks;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptorBase;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Workflow;

/**
 * Emits the runbook metrics ({@link RunMetrics}) around every workflow run on the central worker.
 *
 * <p>Why here: workflow code may not do I/O, and the worker must not count a run twice when it
 * replays history after a restart or cache eviction. {@link Workflow#getMetricsScope()} is the
 * SDK's replay-aware scope (nothing is emitted while replaying) and reports into the worker's
 * Micrometer registry; the interceptor adds no command to history, so running workflows and the
 * stored replay histories are unaffected. Values come only from the run's result and
 * {@link Workflow#currentTimeMillis()}, both deterministic.
 */
public final class RunMetricsInterceptor extends WorkerInterceptorBase {
  @Override
  public WorkflowInboundCallsInterceptor interceptWorkflow(WorkflowInboundCallsInterceptor next) {
    return new WorkflowInboundCallsInterceptorBase(next) {
      @Override
      public WorkflowOutput execute(WorkflowInput input) {
        String runbook = Workflow.getInfo().getWorkflowType();
        if (!Runbooks.types().contains(runbook)) {
          // The topology lock and other internal workflows are no runbooks: not counted as runs.
          return super.execute(input);
        }
        Scope root = Workflow.getMetricsScope();
        root.tagged(RunMetrics.tags("runbook", runbook)).counter(RunMetrics.RUNS_STARTED).inc(1);
        WorkflowOutput out;
        try {
          out = super.execute(input);
        } catch (CanceledFailure e) {
          finished(root, runbook, "CANCELED");
          throw e;
        } catch (RuntimeException e) {
          // Continue-as-new is not an exception in this SDK; a failure or a non-retryable refusal is.
          finished(root, runbook, "FAILED");
          throw e;
        }
        RunMetrics.Emission e = RunMetrics.finished(runbook, out.getResult(), Workflow.currentTimeMillis() / 1000.0);
        finished(root, runbook, e.outcome());
        for (RunMetrics.Count c : e.counts()) {
          root.tagged(c.tags()).counter(c.name()).inc(c.amount());
        }
        for (RunMetrics.Gauge g : e.gauges()) {
          root.tagged(g.tags()).gauge(g.name()).update(g.value());
        }
        for (RunMetrics.Timing t : e.timings()) {
          root.tagged(t.tags()).timer(t.name()).record(com.uber.m3.util.Duration.ofMillis(t.millis()));
        }
        return out;
      }
    };
  }

  private static void finished(Scope root, String runbook, String outcome) {
    Scope s = root.tagged(RunMetrics.tags("runbook", runbook, "outcome", outcome));
    s.counter(RunMetrics.RUNS_FINISHED).inc(1);
    long millis = Workflow.currentTimeMillis() - Workflow.getInfo().getRunStartedTimestampMillis();
    s.timer(RunMetrics.RUN_DURATION).record(com.uber.m3.util.Duration.ofMillis(Math.max(0, millis)));
  }
}
