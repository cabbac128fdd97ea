package io.pgrunbooks.activities.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.pgrunbooks.config.ConfigLoader;
import io.pgrunbooks.workflows.activities.Notification;
import io.pgrunbooks.workflows.activities.NotifyActivities;
import io.pgrunbooks.workflows.common.ActivityStubs;
import io.pgrunbooks.workflows.common.DataConverters;
import io.pgrunbooks.workflows.common.Failures;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The notify activity under Temporal's own retries (the runbooks' notifier stub: 3 attempts, 1-5 s backoff),
 * against the real HTTP server and SMTP server: a 5xx answered first is delivered once after the retry, a 4xx is
 * not retried, and the channels that took the event are not sent it again.
 */
class NotifyRetryWorkflowTest {
  @WorkflowInterface
  public interface NotifyOnce {
    @WorkflowMethod
    void run(Notification n);
  }

  public static class NotifyOnceImpl implements NotifyOnce {
    private final NotifyActivities notifier = Workflow.newActivityStub(NotifyActivities.class,
        ActivityStubs.central(Duration.ofSeconds(30))
            .retry(ActivityStubs.retry(3, Duration.ofSeconds(1), Duration.ofSeconds(5)))
            .build());

    @Override
    public void run(Notification n) {
      notifier.notify(n);
    }
  }

  Receivers http;
  TestWorkflowEnvironment env;

  @BeforeEach
  void start() throws Exception {
    http = new Receivers();
    env = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
        .setWorkflowClientOptions(WorkflowClientOptions.newBuilder().setDataConverter(DataConverters.jackson()).build())
        .build());
    var config = ConfigLoader.parse("""
        clusters:
          main:
            nodes:
              - {name: pg1, host: db1.internal, dataDir: /srv/pg}
        notifications:
          channels:
        """ + http.channels(Receivers.ALL_TYPES).indent(4), Map.of(), "t");
    var worker = env.newWorker(TaskQueues.CENTRAL);
    worker.registerWorkflowImplementationTypes(NotifyOnceImpl.class);
    worker.registerActivitiesImplementations(new NotifyActivitiesImpl(config, Map.of("PD_ROUTING_KEY", "k3y-k3y-k3y")));
    env.start();
  }

  @AfterEach
  void stop() {
    env.close();
    http.close();
  }

  private Throwable run(Notification n) {
    NotifyOnce wf = env.getWorkflowClient().newWorkflowStub(NotifyOnce.class,
        WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.CENTRAL).setWorkflowId("notify-" + n.event()).build());
    return catchThrowable(() -> wf.run(n));
  }

  @Test
  void aServerErrorFirstIsDeliveredOnceAfterTheRetryAndTheOthersAreNotSentTwice() {
    http.answer("/pd", 502);

    assertThat(run(NotifyChannelsTest.failed())).isNull();

    assertThat(http.at("/pd")).hasSize(2);
    assertThat(http.at("/slack")).hasSize(1);
    assertThat(http.at("/hook")).hasSize(1);
    assertThat(http.smtp.getReceivedMessages()).hasSize(1);
  }

  @Test
  void aClientErrorIsNotRetried() {
    http.answer("/hook", 404, 404, 404);

    Throwable failure = run(NotifyChannelsTest.failed());

    assertThat(failure).isNotNull();
    assertThat(Failures.type(failure)).isEqualTo(NotifyActivitiesImpl.DELIVERY_REFUSED);
    // The workflow failed because its activity did: the sentence is the activity's own.
    assertThat(Failures.describe(failure.getCause())).startsWith("channel audit (webhook) at 127.0.0.1 answered HTTP 404");
    assertThat(http.at("/hook")).hasSize(1);
    assertThat(http.at("/slack")).hasSize(1);
    assertThat(http.at("/pd")).hasSize(1);
  }
}
