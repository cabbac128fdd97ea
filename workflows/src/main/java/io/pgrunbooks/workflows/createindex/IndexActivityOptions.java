package io.pgrunbooks.workflows.createindex;

import io.pgrunbooks.workflows.common.ActivityStubs;
import io.pgrunbooks.workflows.activities.NodeActivities;
import io.temporal.activity.ActivityOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/** Activity options of the index runbooks: short SQL reads, one long heartbeated build, the node agent. */
final class IndexActivityOptions {
  private IndexActivityOptions() {}

  static final ActivityOptions SQL = ActivityStubs.central(Duration.ofMinutes(5))
      .scheduleToClose(Duration.ofMinutes(20))
      .retry(ActivityStubs.retry(0, Duration.ofSeconds(1), Duration.ofSeconds(30)))
      .build();

  /** A crashed worker is noticed by the missing heartbeat; the retry cleans up the attempt it left. */
  static final ActivityOptions BUILD = ActivityStubs.central(Duration.ofHours(12))
      .heartbeat(Duration.ofMinutes(1))
      .retry(ActivityStubs.retry(5, Duration.ofSeconds(1), Duration.ofMinutes(1)))
      .build();

  static NodeActivities agent(String node) {
    return Workflow.newActivityStub(NodeActivities.class, ActivityStubs.onNode(node, Duration.ofMinutes(5))
        .scheduleToStart(Duration.ofMinutes(2))
        .retry(ActivityStubs.retry(3, Duration.ofSeconds(1), Duration.ofSeconds(100)))
        .build());
  }
}
