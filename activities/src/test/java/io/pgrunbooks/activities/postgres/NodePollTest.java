package io.pgrunbooks.activities.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrunbooks.activities.TestStack;
import io.pgrunbooks.activities.postgres.NodePoll.Look;
import io.pgrunbooks.config.RunbooksConfig;
import io.temporal.failure.ApplicationFailure;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link NodePoll#until} against the shared stack's primary: which SQL errors are waited out and which end the wait. */
class NodePollTest {
  private static final String TIMEOUT = "WaitTimedOut";

  private final RunbooksConfig config = TestStack.config(300);
  private final ConnectionFactory connections = new ConnectionFactory(config, TestStack::env, Duration.ofSeconds(5),
      Duration.ofSeconds(30));
  private final String primary = TestStack.stack().postgres().currentPrimary().name();

  @Test
  void aSyntaxErrorEndsTheWaitAtOnceWithARetryableSqlError() {
    long t0 = System.nanoTime();

    assertThatThrownBy(() -> poll(60, c -> {
      try (Statement s = c.createStatement()) {
        s.execute("SELEC 1");
      }
      return Look.notYet("unreachable");
    })).isInstanceOfSatisfying(ApplicationFailure.class, e -> {
      assertThat(e.getType()).isEqualTo(PostgresActivitiesImpl.SQL_ERROR);
      assertThat(e.isNonRetryable()).isFalse();
      assertThat(e.getOriginalMessage()).contains(primary, "syntax error");
    });
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void aPermissionErrorEndsTheWaitAtOnce() {
    assertThatThrownBy(() -> poll(60, c -> {
      throw new SQLException("permission denied for table t", "42501");
    })).isInstanceOfSatisfying(ApplicationFailure.class,
        e -> assertThat(e.getType()).isEqualTo(PostgresActivitiesImpl.SQL_ERROR));
  }

  @Test
  void anAdministratorShutdownIsWaitedOutOnANewConnection() {
    AtomicInteger looks = new AtomicInteger();

    String answer = poll(60, c -> {
      if (looks.incrementAndGet() <= 2) {
        throw new SQLException("terminating connection due to administrator command", "57P01");
      }
      return Look.done("answered on look " + looks.get());
    });

    assertThat(answer).isEqualTo("answered on look 3");
  }

  @Test
  void aConnectionThatKeepsFailingTimesOutNonRetryablyWithTheLastError() {
    assertThatThrownBy(() -> poll(2, c -> {
      throw new SQLException("An I/O error occurred while sending to the backend.", "08006");
    })).isInstanceOfSatisfying(ApplicationFailure.class, e -> {
      assertThat(e.getType()).isEqualTo(TIMEOUT);
      assertThat(e.isNonRetryable()).isTrue();
      assertThat(e.getOriginalMessage()).contains("did not answer within 2 s", "I/O error");
    });
  }

  private String poll(long timeoutSeconds, NodePoll.Check<String> check) {
    return NodePoll.until(connections, TestStack.CLUSTER, primary, "postgres", timeoutSeconds, 100,
        primary + " did not answer", TIMEOUT, check);
  }
}
