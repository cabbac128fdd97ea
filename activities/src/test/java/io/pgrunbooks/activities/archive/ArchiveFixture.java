package io.pgrunbooks.activities.archive;

import io.pgrunbooks.activities.TestStack;
import io.pgrunbooks.activities.approval.ApprovalActivitiesImpl;
import io.pgrunbooks.activities.notify.NotifyActivitiesImpl;
import io.pgrunbooks.activities.postgres.ConnectionFactory;
import io.pgrunbooks.activities.postgres.PostgresArchiveActivitiesImpl;
import io.pgrunbooks.activities.s3.S3ActivitiesImpl;
import io.pgrunbooks.activities.s3.S3ClientFactory;
import io.pgrunbooks.config.ConfigLoader;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.ops.stack.LocalStack;
import io.pgrunbooks.ops.stack.StackYaml;
import io.pgrunbooks.ops.stack.S3Store;
import io.pgrunbooks.ops.stack.SharedStack;
import io.pgrunbooks.workflows.activities.PostgresArchiveActivities;
import io.pgrunbooks.workflows.activities.S3Activities;
import io.pgrunbooks.workflows.archivepartition.ArchivePartitionWorkflowImpl;
import io.pgrunbooks.workflows.common.DataConverters;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.restorepartition.RestorePartitionWorkflowImpl;
import io.pgrunbooks.workflows.replay.TestEnvironments;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The archive runbooks in the Temporal test server (time skipping) with the real activities against
 * the shared stack's PostgreSQL primary and S3 store. Test tables live in schema {@code arch} of
 * database {@code postgres}; policies in the config below.
 */
final class ArchiveFixture implements AutoCloseable {
  static final String DB = "postgres";
  static final String S3_ACCESS_ENV = "RUNBOOKS_TEST_S3_ACCESS";
  static final String S3_SECRET_ENV = "RUNBOOKS_TEST_S3_SECRET";

  final LocalStack stack = SharedStack.get();
  final Map<String, String> env = new HashMap<>(TestStack.env());
  final RunbooksConfig config;
  final TestWorkflowEnvironment temporal;
  final WorkflowClient client;
  final S3ClientFactory s3;

  /** Wraps the real activities, so a test can interfere between steps. */
  ArchiveFixture(String compression, String extraApprovals, UnaryOperator<PostgresArchiveActivities> pgWrap,
                 UnaryOperator<S3Activities> s3Wrap) {
    env.put(S3_ACCESS_ENV, stack.s3().accessKey());
    env.put(S3_SECRET_ENV, stack.s3().secretKey());
    config = ConfigLoader.parse(yaml(stack, compression, extraApprovals), env, "archive-test");
    s3 = new S3ClientFactory(config.archive(), () -> env);
    temporal = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
        .setWorkflowClientOptions(WorkflowClientOptions.newBuilder().setDataConverter(DataConverters.jackson()).build())
        .setUseTimeskipping(true)
        .build());
    TestEnvironments.registerSearchAttributes(temporal);
    client = temporal.getWorkflowClient();
    Worker worker = temporal.newWorker(TaskQueues.CENTRAL);
    worker.registerWorkflowImplementationTypes(ArchivePartitionWorkflowImpl.class, RestorePartitionWorkflowImpl.class);
    ConnectionFactory connections = new ConnectionFactory(config, () -> env, Duration.ofSeconds(5), Duration.ofSeconds(60));
    PostgresArchiveActivities pg = pgWrap.apply(new PostgresArchiveActivitiesImpl(config, connections, s3));
    S3Activities objects = s3Wrap.apply(new S3ActivitiesImpl(s3));
    // Export, verify and restore streams run on the heavy queue, as in the worker.
    temporal.newWorker(TaskQueues.HEAVY).registerActivitiesImplementations(pg, objects);
    worker.registerActivitiesImplementations(
        pg,
        objects,
        new ApprovalActivitiesImpl(config, env),
        new NotifyActivitiesImpl(config, env),
        // Reports are not what these tests look at, and some stop the S3 store: they go nowhere.
        (io.pgrunbooks.workflows.activities.ReportActivities) report -> null);
    temporal.start();
  }

  ArchiveFixture() {
    this("gzip", "", UnaryOperator.identity(), UnaryOperator.identity());
  }

  static String yaml(LocalStack stack, String compression, String extraApprovals) {
    String nodes = StackYaml.nodes(stack);
    S3Store s3 = stack.s3();
    return """
        clusters:
          test:
            nodes:
        %s
            credentials:
              user: postgres
              passwordEnv: %s
            databases:
              postgres:
                partitions:
                  - table: arch.events
                    retention: 90d
                    minRetention: 30d
                    archive: true
                  - table: arch.events_d
                    retention: 90d
                    archive: true
                  - table: arch.typed
                    retention: 90d
                    archive: true
                  - table: arch.floor
                    retention: 100y
                    minRetention: 100y
                    archive: true
                  - table: arch.kept
                    archive: false
        archive:
          bucket: %s
          prefix: test-archives
          endpoint: %s
          region: %s
          forcePathStyle: true
          accessKeyEnv: %s
          secretKeyEnv: %s
          compression: %s
        approvals:
          defaultTimeout: 2h
          approvers:
            - name: alice
              roles: [approver]
        %s
        """.formatted(nodes, TestStack.PASSWORD_ENV, s3.bucket(), s3.endpoint(), s3.region(), S3_ACCESS_ENV,
        S3_SECRET_ENV, compression, extraApprovals);
  }

  Connection connect() throws SQLException {
    return stack.postgres().currentPrimary().connect(DB);
  }

  void sql(String... statements) {
    try (Connection c = connect(); Statement st = c.createStatement()) {
      for (String s : statements) {
        st.execute(s);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  long count(String query) {
    try (Connection c = connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(query)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  String string(String query) {
    try (Connection c = connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(query)) {
      return rs.next() ? rs.getString(1) : null;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The parent of a table ({@code schema.name}), or null when it is not attached. */
  String parentOf(String table) {
    return string("SELECT i.inhparent::regclass::text FROM pg_inherits i WHERE i.inhrelid = to_regclass('" + table + "')");
  }

  boolean exists(String table) {
    return string("SELECT to_regclass('" + table + "')::text") != null;
  }

  /** Every object key (with size) under the test prefix. */
  List<String> objects() {
    List<String> out = new ArrayList<>();
    try (S3Client c = s3.client()) {
      for (S3Object o : c.listObjectsV2Paginator(b -> b.bucket(s3.bucket()).prefix("test-archives/")).contents()) {
        out.add(o.key() + " " + o.size());
      }
    }
    return out;
  }

  static String folder(String parent, String partition) {
    return "test-archives/test/postgres/arch/" + parent + "/" + partition + "/";
  }

  @Override
  public void close() {
    temporal.close();
  }
}
