package io.pgrunbooks.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.pgrunbooks.api.ApiFixture.Reply;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The OpenAPI document against the API as it runs: every JAX-RS resource method registered in the running
 * application is documented with its query and path parameters and every documented operation exists; the
 * document is served without a login; and real answers of the running API (on the real stack and worker)
 * validate against the documented schemas, errors included.
 */
@ExtendWith(ApiFixture.Extension.class)
class OpenApiDocumentTest {
  private static ApiFixture api;
  private static JsonNode document;

  @BeforeAll
  static void start() {
    api = ApiFixture.get();
    Reply r = api.get(null, "/api/v1/openapi.json");
    assertThat(r.status()).as("the document needs no login: " + r.text()).isEqualTo(200);
    document = r.json();
  }

  /** "GET /v1/runs" to the query and path parameter names of the operation. */
  private static Map<String, TreeSet<String>> registeredOperations() {
    Map<String, TreeSet<String>> ops = new TreeMap<>();
    var config = api.app.getEnvironment().jersey().getResourceConfig();
    List<Class<?>> types = new java.util.ArrayList<>(config.getClasses());
    config.getInstances().forEach(i -> types.add(i.getClass()));
    for (Class<?> type : types) {
      Path root = type.getAnnotation(Path.class);
      if (root == null) {
        continue;
      }
      for (Method m : type.getMethods()) {
        String verb = httpMethod(m);
        if (verb == null) {
          continue;
        }
        Path sub = m.getAnnotation(Path.class);
        String path = normalize(root.value() + (sub == null ? "" : "/" + sub.value()));
        TreeSet<String> params = new TreeSet<>();
        for (Parameter p : m.getParameters()) {
          if (p.getAnnotation(QueryParam.class) != null) {
            params.add("query:" + p.getAnnotation(QueryParam.class).value());
          }
          if (p.getAnnotation(PathParam.class) != null) {
            params.add("path:" + p.getAnnotation(PathParam.class).value());
          }
        }
        ops.put(verb + " " + path, params);
      }
    }
    return ops;
  }

  private static String httpMethod(Method m) {
    for (Annotation a : m.getAnnotations()) {
      HttpMethod h = a.annotationType().getAnnotation(HttpMethod.class);
      if (h != null) {
        return h.value();
      }
    }
    return null;
  }

  /** {@code /v1/reports/{id: .+}} and doubled slashes as OpenAPI writes them: {@code /v1/reports/{id}}. */
  private static String normalize(String path) {
    String p = ("/" + path).replaceAll("/+", "/").replaceAll("\\{\\s*([^:}\\s]+)\\s*:[^}]*}", "{$1}");
    return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
  }

  /** The documented operations with their query and path parameter names (references resolved). */
  private static Map<String, TreeSet<String>> documentedOperations() {
    Map<String, TreeSet<String>> ops = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields(); paths.hasNext(); ) {
      Map.Entry<String, JsonNode> path = paths.next();
      for (Iterator<Map.Entry<String, JsonNode>> verbs = path.getValue().fields(); verbs.hasNext(); ) {
        Map.Entry<String, JsonNode> op = verbs.next();
        TreeSet<String> params = new TreeSet<>();
        for (JsonNode p : op.getValue().path("parameters")) {
          JsonNode resolved = resolve(p);
          String in = resolved.path("in").asText();
          if (in.equals("query") || in.equals("path")) {
            params.add(in + ":" + resolved.path("name").asText());
          }
        }
        ops.put(op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey(), params);
      }
    }
    return ops;
  }

  private static JsonNode resolve(JsonNode node) {
    if (!node.has("$ref")) {
      return node;
    }
    JsonNode target = document.at(node.path("$ref").asText().substring(1));
    assertThat(target.isMissingNode()).as("dangling reference " + node.path("$ref")).isFalse();
    return resolve(target);
  }

  @Test
  void everyRegisteredResourceMethodIsDocumentedWithItsParametersAndEveryDocumentedOperationExists() {
    Map<String, TreeSet<String>> registered = registeredOperations();
    Map<String, TreeSet<String>> documented = documentedOperations();
    assertThat(registered).as("the running API registers resources").containsKey("GET /v1/runs");
    assertThat(documented.keySet()).as("documented operations vs resource methods")
        .containsExactlyInAnyOrderElementsOf(registered.keySet());
    registered.forEach((op, params) -> assertThat(documented.get(op)).as("parameters of " + op)
        .containsExactlyInAnyOrderElementsOf(params));
  }

  @Test
  void theDocumentIsOpenApi31WithBasicAndBearerSchemesAndTheErrorShape() {
    assertThat(document.path("openapi").asText()).startsWith("3.1");
    assertThat(document.at("/components/securitySchemes/basic/scheme").asText()).isEqualTo("basic");
    assertThat(document.at("/components/securitySchemes/bearer/scheme").asText()).isEqualTo("bearer");
    assertThat(document.at("/components/schemas/Error/required").toString()).isEqualTo("[\"status\",\"error\"]");
    // Every schema reference resolves.
    document.findValues("$ref").forEach(ref -> assertThat(document.at(ref.asText().substring(1)).isMissingNode())
        .as(ref.asText()).isFalse());
  }

  @Test
  void realAnswersOfTheRunningApiValidateAgainstTheDocumentedSchemas() throws Exception {
    String id = "partition-maintenance:main:app:openapi-" + UUID.randomUUID();
    Reply started = api.startMaintenance("olivia", id);
    try {
      conforms(started, "POST", "/v1/runs");
      String requestId = api.awaitPending(id).path("requestId").asText();
      conforms(api.get("victor", "/api/v1/runs/" + id), "GET", "/v1/runs/{workflowId}");
      conforms(api.get("victor", "/api/v1/runs?limit=2"), "GET", "/v1/runs");
      conforms(api.get("alice", "/api/v1/approvals"), "GET", "/v1/approvals");
      conforms(api.get("victor", "/api/v1/runbooks"), "GET", "/v1/runbooks");
      conforms(api.get("victor", "/api/v1/me"), "GET", "/v1/me");
      conforms(api.get("victor", "/api/v1/archives?cluster=main&database=app&table=public.domain_events"),
          "GET", "/v1/archives");
      conforms(api.get("victor", "/api/v1/reports"), "GET", "/v1/reports");
      conforms(api.get("victor", "/api/v1/insights/partitions?cluster=main&database=app"), "GET",
          "/v1/insights/partitions");
      conforms(api.get("victor", "/api/v1/insights/query-report?cluster=nowhere&database=app"), "GET",
          "/v1/insights/query-report");
      conforms(api.get("victor", "/api/v1/insights/drills?cluster=main"), "GET", "/v1/insights/drills");
      conforms(api.get("victor", "/api/v1/insights/restore-drills?cluster=nowhere"), "GET",
          "/v1/insights/restore-drills");
      conforms(api.get("victor", "/api/v1/insights/restore-drills?cluster=main&limit=0"), "GET",
          "/v1/insights/restore-drills");
      // Errors, each in the documented shape of its status.
      conforms(api.get(null, "/api/v1/runs"), "GET", "/v1/runs");
      conforms(api.get("victor", "/api/v1/runs?limit=0"), "GET", "/v1/runs");
      conforms(api.get("victor", "/api/v1/runs?state=SLEEPING"), "GET", "/v1/runs");
      conforms(api.get("victor", "/api/v1/runs/no-such-run"), "GET", "/v1/runs/{workflowId}");
      conforms(api.post("victor", "/api/v1/runs", Map.of("runbook", "HealthCheck")), "POST", "/v1/runs");
      conforms(api.post("olivia", "/api/v1/runs", "{\"runbook\": }"), "POST", "/v1/runs");
      conforms(api.startMaintenance("olivia", id), "POST", "/v1/runs");
      conforms(api.post("alice", "/api/v1/runs/" + id + "/approvals/" + requestId, Map.of("decision", "maybe")),
          "POST", "/v1/runs/{workflowId}/approvals/{requestId}");
      conforms(api.post("alice", "/api/v1/runs/" + id + "/approvals/" + requestId, Map.of("decision", "approve")),
          "POST", "/v1/runs/{workflowId}/approvals/{requestId}");
      conforms(api.post("alice", "/api/v1/runs/" + id + "/approvals/" + requestId, Map.of("decision", "approve")),
          "POST", "/v1/runs/{workflowId}/approvals/{requestId}");
    } finally {
      api.terminateRunning(List.of(id));
    }
  }

  /** The answer's status is documented for the operation and its JSON body validates against that schema. */
  private static void conforms(Reply reply, String verb, String path) {
    JsonNode response = document.path("paths").path(path).path(verb.toLowerCase(Locale.ROOT)).path("responses")
        .path(String.valueOf(reply.status()));
    assertThat(response.isMissingNode()).as(verb + " " + path + " answered " + reply.status()
        + ", which the document does not list: " + reply.text()).isFalse();
    JsonNode schema = resolve(response).at("/content/application~1json/schema");
    if (schema.isMissingNode()) {
      return;
    }
    ObjectNode root = ApiFixture.JSON.createObjectNode();
    root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
    root.setAll((ObjectNode) schema.deepCopy());
    root.set("components", document.path("components"));
    Schema validator = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(root);
    List<Error> errors = validator.validate(reply.json());
    assertThat(errors).as(verb + " " + path + " " + reply.status() + " answered " + reply.text()).isEmpty();
  }
}
