package io.pgrunbooks.api;

import at.favre.lib.crypto.bcrypt.BCrypt;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.DropwizardTestSupport;
import io.pgrunbooks.config.ConfigLoader;
import io.pgrunbooks.ops.dev.ChildProcess;
import io.pgrunbooks.ops.dev.DemoDatabase;
import io.pgrunbooks.ops.stack.LocalStack;
import io.pgrunbooks.ops.stack.PostgresNode;
import io.pgrunbooks.ops.stack.StackYaml;
import io.pgrunbooks.ops.stack.Prerequisites;
import io.pgrunbooks.ops.stack.SharedStack;
import io.pgrunbooks.workflows.common.DataConverters;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The API on the real stack, as deployed: the shared local stack (Temporal dev server, PostgreSQL
 * with the demo database), the real worker as a process (its runnable jar), and the API in this JVM
 * reading the same config file. Users: alice and bob approve (bob also operates), olivia operates,
 * victor views, carol has only the role sre, mallory has the approver role but is not a configured
 * approver, tess views (only the login-throttle test logs in as her, and fails on purpose). Every password is "pw-" + name; the hashes reach the API only through the environment.
 * ada is a configured approver who signs in through OpenID Connect only (KeycloakServer); grace is in
 * the provider's dbas group too but not in approvals.approvers: with approvals.identityRoles the worker
 * accepts her on the roles the API signed. PartitionMaintenance requires signed decisions, so every vote
 * the tests cast goes through the API's signature and the worker's check of it.
 */
final class ApiFixture implements ExtensionContext.Store.CloseableResource, AutoCloseable {
  static final ObjectMapper JSON = DataConverters.objectMapper();
  static final String CLUSTER = "main";
  static final String DATABASE = "app";
  private static final String WORKER_MAIN = "io.pgrunbooks.worker.WorkerMain";
  private static final String PASSWORD_ENV = "RUNBOOKS_PG_PASSWORD";
  private static final String S3_ACCESS_ENV = "RUNBOOKS_S3_ACCESS_KEY";
  private static final String S3_SECRET_ENV = "RUNBOOKS_S3_SECRET_KEY";
  /** This fixture's own prefix in the shared stack's bucket, so its report listings hold only its runs. */
  final String archivePrefix = "api-test-" + java.util.UUID.randomUUID().toString().substring(0, 8);
  private static final String SIGNING_KEY_ENV = "RUNBOOKS_APPROVAL_KEY";
  /** PartitionMaintenance takes signed decisions only: every vote in these tests proves the API signs. */
  private static final String SIGNING_KEY = "hex:" + "5a".repeat(32);
  private static final Map<String, List<String>> USERS = Map.of(
      "alice", List.of("approver", "dba"),
      "bob", List.of("approver", "operator"),
      "olivia", List.of("operator"),
      "victor", List.of("viewer"),
      "carol", List.of("sre"),
      "mallory", List.of("approver"),
      "tess", List.of("viewer"));

  private static ApiFixture shared;

  final LocalStack stack;
  final Path dir;
  final Path config;
  final DropwizardTestSupport<ApiConfiguration> app;
  final ChildProcess worker;
  final WorkflowServiceStubs service;
  final WorkflowClient client;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  final Map<String, String> env = new HashMap<>();

  /**
   * Starts the one fixture of the test run (the stack is shared too) before a test class that uses it;
   * JUnit closes it after the last test class, while the stack still runs (a JVM shutdown hook would
   * race the stack's own).
   */
  static final class Extension implements BeforeAllCallback {
    @Override
    public void beforeAll(ExtensionContext context) {
      context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).getOrComputeIfAbsent(ApiFixture.class, k -> {
        try {
          shared = new ApiFixture();
          return shared;
        } catch (Exception e) {
          throw new IllegalStateException("the API test fixture did not start: " + e.getMessage(), e);
        }
      });
    }
  }

  /** The fixture; test classes using it are annotated {@code @ExtendWith(ApiFixture.Extension.class)}. */
  static ApiFixture get() {
    if (shared == null) {
      throw new IllegalStateException("annotate the test class with @ExtendWith(ApiFixture.Extension.class)");
    }
    return shared;
  }

  private ApiFixture() throws Exception {
    Path workerJar = Path.of("..", "worker", "target", "pg-runbooks-worker.jar").toAbsolutePath().normalize();
    if (!Files.isRegularFile(workerJar)) {
      throw new IllegalStateException("the API tests run the real worker from " + workerJar + ", which is missing; "
          + "build it first: mvn -B -o -q -pl worker -am package -DskipTests");
    }
    stack = SharedStack.get();
    PostgresNode primary = stack.postgres().primary();
    DemoDatabase.ensure(primary.host(), primary.port(), "postgres", SharedStack.PASSWORD,
        YearMonth.now(ZoneOffset.UTC));
    dir = Files.createTempDirectory("pg-runbooks-api-test");
    config = dir.resolve("runbooks.yml");
    for (String user : USERS.keySet()) {
      env.put(hashEnv(user), new String(BCrypt.withDefaults().hash(4, ("pw-" + user).toCharArray()),
          StandardCharsets.UTF_8));
    }
    env.put(PASSWORD_ENV, SharedStack.PASSWORD);
    env.put(SIGNING_KEY_ENV, SIGNING_KEY);
    env.put(S3_ACCESS_ENV, stack.s3().accessKey());
    env.put(S3_SECRET_ENV, stack.s3().secretKey());
    Files.writeString(config, configYaml(Prerequisites.freePort(), Prerequisites.freePort(),
        stack.temporal().namespace(), ""));

    worker = ChildProcess.startJava("worker", workerJar.toString(), WORKER_MAIN,
        List.of("worker", "--config", config.toString()),
        Map.of(PASSWORD_ENV, SharedStack.PASSWORD, SIGNING_KEY_ENV, SIGNING_KEY, S3_ACCESS_ENV, stack.s3().accessKey(),
            S3_SECRET_ENV, stack.s3().secretKey()),
        dir.resolve("worker.log"));
    worker.awaitLog("polling task queue", Duration.ofSeconds(90));

    app = new DropwizardTestSupport<>(ApiApplication.class,
        new ApiConfiguration(ConfigLoader.load(config, env), env));
    app.before();
    service = WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget(stack.temporal().address()).build());
    client = WorkflowClient.newInstance(service, WorkflowClientOptions.newBuilder()
        .setNamespace(stack.temporal().namespace()).setDataConverter(DataConverters.jackson()).build());
  }

  private static String hashEnv(String user) {
    return "API_HASH_" + user.toUpperCase();
  }

  /**
   * A second API on the same stack and worker, its config's {@code api} section extended by {@code apiYaml}
   * (e.g. an {@code oidc:} block, where {@code %PORT%} stands for its port); the caller stops it.
   */
  DropwizardTestSupport<ApiConfiguration> startApi(String apiYaml, Map<String, String> extraEnv) throws Exception {
    int port = Prerequisites.freePort();
    Path file = dir.resolve("runbooks-" + port + ".yml");
    Files.writeString(file, configYaml(port, Prerequisites.freePort(), stack.temporal().namespace(),
        apiYaml.replace("%PORT%", Integer.toString(port)).indent(2)));
    Map<String, String> allEnv = new HashMap<>(env);
    allEnv.putAll(extraEnv);
    DropwizardTestSupport<ApiConfiguration> second = new DropwizardTestSupport<>(ApiApplication.class,
        new ApiConfiguration(ConfigLoader.load(file, allEnv), allEnv));
    second.before();
    return second;
  }

  private String configYaml(int port, int adminPort, String namespace, String apiExtra) {
    String nodes = StackYaml.nodes(stack);
    StringBuilder users = new StringBuilder();
    USERS.forEach((name, roles) -> users.append("""
            - name: %s
              roles: [%s]
              passwordHashEnv: %s
        """.formatted(name, String.join(", ", roles), hashEnv(name))));
    return """
        temporal:
          target: %s
          namespace: %s
          uiUrl: http://127.0.0.1:8233
        worker:
          metricsPort: 0
        clusters:
          %s:
            credentials:
              user: postgres
              passwordEnv: %s
            nodes:
        %s
            databases:
              %s:
                partitions:
                  - table: public.domain_events
                    interval: month
                    naming: "{parent}_y{yyyy}m{mm}"
                    premake: 3
                    retention: 24mo
                    minRetention: 12mo
                    archive: false
        archive:
          bucket: %s
          prefix: %s
          endpoint: %s
          region: %s
          forcePathStyle: true
          accessKeyEnv: %s
          secretKeyEnv: %s
        approvals:
          defaultTimeout: 1h
          signedRunbooks: [PartitionMaintenance]
          signingKeyEnv: %s
          identityRoles: true
          approvers:
            - name: alice
              roles: [dba, approver]
            - name: bob
              roles: [approver]
            - name: carol
              roles: [sre]
            - name: ada
              roles: [approver]
        api:
          port: %d
          adminPort: %d
          users:
        %s%s
        """.formatted(stack.temporal().address(), namespace, CLUSTER, PASSWORD_ENV, nodes,
        DATABASE, stack.s3().bucket(), archivePrefix, stack.s3().endpoint(), stack.s3().region(), S3_ACCESS_ENV,
        S3_SECRET_ENV, SIGNING_KEY_ENV, port, adminPort, users, apiExtra);
  }

  String baseUrl() {
    return "http://127.0.0.1:" + app.getLocalPort();
  }

  /** A second API on the same stack and config, in a namespace of its own; {@link #close} stops it. */
  record OtherApi(String namespace, DropwizardTestSupport<ApiConfiguration> app) implements AutoCloseable {
    String baseUrl() {
      return "http://127.0.0.1:" + app.getLocalPort();
    }

    @Override
    public void close() {
      app.after();
    }
  }

  /**
   * Starts another API in a new namespace (registered here, with the contract's search attributes), where no
   * worker polls until a test starts one: the inbox as it is when the worker is down.
   */
  OtherApi apiInNewNamespace() throws Exception {
    String ns = "api-test-" + java.util.UUID.randomUUID().toString().substring(0, 8);
    service.blockingStub().registerNamespace(io.temporal.api.workflowservice.v1.RegisterNamespaceRequest.newBuilder()
        .setNamespace(ns).setWorkflowExecutionRetentionPeriod(com.google.protobuf.Duration.newBuilder()
            .setSeconds(86400)).build());
    io.temporal.serviceclient.OperatorServiceStubs operator = io.temporal.serviceclient.OperatorServiceStubs
        .newServiceStubs(io.temporal.serviceclient.OperatorServiceStubsOptions.newBuilder()
            .setTarget(stack.temporal().address()).validateAndBuildWithDefaults());
    try {
      Map<String, io.temporal.api.enums.v1.IndexedValueType> attrs = new HashMap<>();
      io.pgrunbooks.workflows.common.SearchAttributes.DEFINITIONS.forEach((name, type) -> attrs.put(name,
          switch (type) {
            case "Keyword" -> io.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
            case "Bool" -> io.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_BOOL;
            case "Int" -> io.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT;
            default -> throw new IllegalStateException("search attribute type " + type);
          }));
      long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (true) {
        try {
          // Refused until the new namespace reaches the server's namespace cache.
          operator.blockingStub().addSearchAttributes(io.temporal.api.operatorservice.v1.AddSearchAttributesRequest
              .newBuilder().setNamespace(ns).putAllSearchAttributes(attrs).build());
          break;
        } catch (io.grpc.StatusRuntimeException e) {
          if (System.nanoTime() > end) {
            throw e;
          }
          Thread.sleep(500);
        }
      }
    } finally {
      operator.shutdown();
    }
    Path other = dir.resolve("runbooks-" + ns + ".yml");
    Files.writeString(other, configYaml(Prerequisites.freePort(), Prerequisites.freePort(), ns, ""));
    DropwizardTestSupport<ApiConfiguration> support = new DropwizardTestSupport<>(ApiApplication.class,
        new ApiConfiguration(ConfigLoader.load(other, env), env));
    support.before();
    return new OtherApi(ns, support);
  }

  /** A client of another API's namespace. */
  WorkflowClient client(OtherApi other) {
    return WorkflowClient.newInstance(service, WorkflowClientOptions.newBuilder().setNamespace(other.namespace())
        .setDataConverter(DataConverters.jackson()).build());
  }

  /**
   * A run in another API's namespace left waiting for an approval when its worker went away: running, with
   * the search attributes of a PartitionMaintenance in AWAITING_APPROVAL, and no worker to answer for it.
   */
  String strandedRun(OtherApi other) {
    String id = "partition-maintenance:main:app:stranded-" + java.util.UUID.randomUUID();
    client(other).newUntypedWorkflowStub("PartitionMaintenance", io.temporal.client.WorkflowOptions.newBuilder()
        .setTaskQueue(io.pgrunbooks.workflows.common.TaskQueues.CENTRAL).setWorkflowId(id)
        .setTypedSearchAttributes(io.temporal.common.SearchAttributes.newBuilder()
            .set(io.pgrunbooks.workflows.common.SearchAttributes.TYPE, "PartitionMaintenance")
            .set(io.pgrunbooks.workflows.common.SearchAttributes.CLUSTER, CLUSTER)
            .set(io.pgrunbooks.workflows.common.SearchAttributes.STATE, "AWAITING_APPROVAL").build()).build())
        .start();
    return id;
  }

  /** GET against another API of this fixture. */
  Reply get(OtherApi other, String user, String path) {
    return send(request(other.baseUrl(), user, path).GET().build());
  }

  String adminUrl() {
    return "http://127.0.0.1:" + app.getAdminPort();
  }

  static String password(String user) {
    return "pw-" + user;
  }

  /** A response: status and body parsed as JSON (null when empty or not JSON), plus the raw text. */
  record Reply(int status, JsonNode json, String text, HttpResponse<String> raw) {}

  Reply get(String user, String path) {
    return send(request(user, path).GET().build());
  }

  /** A JSON POST as the page sends it (JSON content type, the CSRF header). */
  Reply post(String user, String path, Object body) {
    try {
      return send(request(user, path).header("Content-Type", "application/json")
          .header("X-Requested-By", "test")
          .POST(HttpRequest.BodyPublishers.ofString(body instanceof String s ? s : JSON.writeValueAsString(body)))
          .build());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  HttpRequest.Builder request(String user, String path) {
    return request(baseUrl(), user, path);
  }

  private HttpRequest.Builder request(String base, String user, String path) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    if (user != null) {
      b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
          (user + ":" + password(user)).getBytes(StandardCharsets.UTF_8)));
    }
    return b;
  }

  Reply send(HttpRequest request) {
    try {
      HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
      JsonNode json = null;
      try {
        json = r.body().isBlank() ? null : JSON.readTree(r.body());
      } catch (IOException notJson) {
        json = null;
      }
      return new Reply(r.statusCode(), json, r.body(), r);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Polls GET {@code path} as {@code user} until the JSON satisfies {@code done}; fails after {@code timeout}. */
  JsonNode await(String user, String path, Duration timeout, Predicate<JsonNode> done) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    Reply last = null;
    while (System.nanoTime() < end) {
      last = get(user, path);
      if (last.status() == 200 && done.test(last.json())) {
        return last.json();
      }
      Thread.sleep(250);
    }
    throw new AssertionError("GET " + path + " did not reach the expected state within " + timeout + "; last: "
        + (last == null ? "none" : last.status() + " " + last.text()) + "\nworker log tail:\n" + worker.tail());
  }

  /**
   * Starts a PartitionMaintenance of the demo database under {@code workflowId} as {@code user}, with
   * an expired partition present (re-created if an earlier test's approved run dropped it), so the run
   * asks for an approval to drop it.
   */
  Reply startMaintenance(String user, String workflowId) throws SQLException {
    ensureExpiredPartition();
    return post(user, "/api/v1/runs", Map.of("runbook", "PartitionMaintenance", "workflowId", workflowId,
        "input", Map.of("cluster", CLUSTER, "database", DATABASE)));
  }

  /**
   * {@link #startMaintenance} under a new id {@code partition-maintenance:main:app:<prefix><uuid>}, asserting
   * 201; the id is added to {@code started} for {@link #terminateRunning}.
   */
  String newMaintenanceRun(String user, String prefix, java.util.Collection<String> started) throws SQLException {
    String id = "partition-maintenance:main:app:" + prefix + java.util.UUID.randomUUID();
    Reply r = startMaintenance(user, id);
    if (r.status() != 201) {
      throw new AssertionError("starting " + id + " answered " + r.status() + " " + r.text());
    }
    started.add(id);
    return id;
  }

  /** Leaves no run behind: each of {@code ids} still running is terminated, so the next test's run plans alone. */
  void terminateRunning(java.util.Collection<String> ids) {
    for (String id : ids) {
      io.temporal.client.WorkflowStub stub = client.newUntypedWorkflowStub(id);
      if (stub.describe().getStatus()
          == io.temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
        stub.terminate("test cleanup");
      }
    }
  }

  /** The pending approval of {@code workflowId}, once the run waits for it. */
  JsonNode awaitPending(String workflowId) throws InterruptedException {
    JsonNode run = await("victor", "/api/v1/runs/" + workflowId, Duration.ofSeconds(60),
        v -> v.path("pendingApprovals").size() > 0);
    return run.path("pendingApprovals").get(0);
  }

  /** Creates public.domain_events' partition of 30 months ago (past retention) when it is missing. */
  void ensureExpiredPartition() throws SQLException {
    PostgresNode primary = stack.postgres().primary();
    YearMonth old = YearMonth.now(ZoneOffset.UTC).minusMonths(30);
    String name = "domain_events_y%04dm%02d".formatted(old.getYear(), old.getMonthValue());
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + primary.host() + ":" + primary.port()
        + "/" + DATABASE, "postgres", SharedStack.PASSWORD); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE IF NOT EXISTS public.%s PARTITION OF public.domain_events FOR VALUES FROM ('%s') TO ('%s')"
          .formatted(name, old.atDay(1) + "T00:00Z", old.plusMonths(1).atDay(1) + "T00:00Z"));
    }
  }

  @Override
  public void close() {
    if (app != null) {
      app.after();
    }
    if (worker != null) {
      worker.stop();
    }
    if (service != null) {
      service.shutdown();
    }
  }
}
