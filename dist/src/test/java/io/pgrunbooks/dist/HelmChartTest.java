package io.pgrunbooks.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.pgrunbooks.config.ConfigLoader;
import io.pgrunbooks.config.RunbooksConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * ops/helm/pg-runbooks checked by the real helm: {@code helm lint --strict}, and {@code helm template}
 * rendered with chosen values, whose manifests are read back as YAML and checked as Kubernetes would use them.
 */
class HelmChartTest {
  static final String INSTALL = "go install helm.sh/helm/v4/cmd/helm@v4.3.2 (it lands in $(go env GOPATH)/bin; .ci/run does it)";
  static final ObjectMapper YAML = new YAMLMapper();

  static Path chart() {
    return Tools.repoRoot().resolve("ops/helm/pg-runbooks");
  }

  /** The values a first deployment copies and edits: every rendering here starts from them. */
  static String example() {
    return chart().resolve("examples/production.yaml").toString();
  }

  @Test
  void chartPassesHelmLintStrict() throws Exception {
    Tools.Result r = helm("lint", "--strict", chart().toString(), "-f", example());
    assertThat(r.exitCode()).as(r.all()).isZero();
    assertThat(r.all()).contains("0 chart(s) failed").doesNotContain("[WARNING]", "[ERROR]");
  }

  @Test
  void chartVersionIsTheProjectVersionSoTheDefaultImageTagIsTheBuiltImage() throws Exception {
    JsonNode chart = YAML.readTree(chart().resolve("Chart.yaml").toFile());
    assertThat(chart.get("appVersion").asText()).isEqualTo(ContainerImagesTest.version());
    assertThat(chart.get("version").asText()).isEqualTo(ContainerImagesTest.version());
    JsonNode worker = deployment(render(), "worker");
    assertThat(container(worker).get("image").asText())
        .isEqualTo("registry.example.internal/pg-runbooks/worker:" + ContainerImagesTest.version());
  }

  @Test
  void defaultValuesRenderWorkerAndApiProbedOnLivezAndReadyzAtTheConfiguredPorts() throws Exception {
    List<JsonNode> docs = render();
    JsonNode worker = container(deployment(docs, "worker"));
    assertThat(worker.at("/args").get(0).asText()).isEqualTo("worker");
    assertThat(worker.at("/ports/0/containerPort").asInt()).isEqualTo(9464);
    assertThat(worker.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/livez");
    assertThat(worker.at("/livenessProbe/httpGet/port").asText()).isEqualTo("metrics");
    assertThat(worker.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/readyz");
    assertThat(worker.at("/resources/requests/memory").asText()).isEqualTo("512Mi");
    assertThat(worker.at("/resources/limits/memory").asText()).isEqualTo("1Gi");

    JsonNode api = container(deployment(docs, "api"));
    assertThat(api.at("/args").get(0).asText()).isEqualTo("serve");
    assertThat(portNamed(api, "http")).isEqualTo(8080);
    assertThat(portNamed(api, "admin")).isEqualTo(8081);
    assertThat(api.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/livez");
    assertThat(api.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/readyz");
    assertThat(api.at("/readinessProbe/httpGet/port").asText()).isEqualTo("admin");
    assertThat(api.at("/resources/limits/memory").asText()).isNotEmpty();
    assertThat(kinds(docs)).as("the chart never holds a secret").doesNotContain("Secret");
  }

  @Test
  void withoutAClusterRenderingFailsBecauseTheProcessesWouldRefuseTheConfig() throws Exception {
    // Helm merges maps: a cluster in the chart's defaults would stay beside the user's, so there is none.
    Tools.Result r = helm("template", "rb", chart().toString());
    assertThat(r.exitCode()).isNotZero();
    assertThat(r.all()).contains("config.clusters: name at least one cluster");
  }

  @Test
  void probesAndServicesFollowThePortsOfTheConfigTheProcessesRead() throws Exception {
    List<JsonNode> docs = render("--set", "config.worker.metricsPort=9500", "--set", "config.api.adminPort=9081");
    JsonNode worker = container(deployment(docs, "worker"));
    assertThat(portNamed(worker, "metrics")).isEqualTo(9500);
    assertThat(service(docs, "worker").at("/spec/ports/0/port").asInt()).isEqualTo(9500);
    assertThat(portNamed(container(deployment(docs, "api")), "admin")).isEqualTo(9081);
    assertThat(configFile(docs).worker().metricsPort()).isEqualTo(9500);
  }

  @Test
  void configMapHoldsAConfigTheProjectLoaderAcceptsAndPodsMountIt() throws Exception {
    List<JsonNode> docs = render();
    RunbooksConfig config = configFile(docs);
    assertThat(config.clusters()).containsKey("main");
    // With no Secret behind them, the loader names exactly the variables the Secrets must provide.
    assertThat(String.join("\n", ConfigLoader.secretProblems(config, Map.of())))
        .contains("RUNBOOKS_PG_PASSWORD", "PGBOUNCER_ADMIN_PASSWORD", "RUNBOOKS_API_HASH_ALICE");
    assertThat(config.temporal().tls().enabled()).as("the example's mTLS files come from a Secret").isTrue();
    for (String component : List.of("worker", "api")) {
      JsonNode pod = deployment(docs, component).at("/spec/template/spec");
      JsonNode c = container(deployment(docs, component));
      assertThat(c.at("/volumeMounts/0/mountPath").asText()).isEqualTo("/etc/pg-runbooks/config.yml");
      assertThat(pod.at("/volumes/0/configMap/name").asText()).isEqualTo("rb-pg-runbooks-config");
      assertThat(deployment(docs, component).at("/spec/template/metadata/annotations/checksum~1config").asText())
          .as("a config change rolls the pods").hasSize(64);
    }
  }

  @Test
  void secretsAreReferencedByNameAsEnvironmentAndFiles() throws Exception {
    List<JsonNode> docs = render("--set", "secrets.envFrom[0]=pg-runbooks-env",
        "--set", "secrets.files[0].secretName=temporal-tls", "--set", "secrets.files[0].mountPath=/etc/pg-runbooks/tls");
    for (String component : List.of("worker", "api")) {
      JsonNode c = container(deployment(docs, component));
      assertThat(c.at("/envFrom/0/secretRef/name").asText()).isEqualTo("pg-runbooks-env");
      assertThat(c.at("/volumeMounts/2/mountPath").asText()).isEqualTo("/etc/pg-runbooks/tls");
      assertThat(c.at("/volumeMounts/2/readOnly").asBoolean()).isTrue();
      assertThat(deployment(docs, component).at("/spec/template/spec/volumes/2/secret/secretName").asText())
          .isEqualTo("temporal-tls");
    }
    assertThat(kinds(docs)).doesNotContain("Secret");
  }

  @Test
  void podsRunAsTheImagesNonRootUserOnAReadOnlyRootFilesystem() throws Exception {
    for (String component : List.of("worker", "api")) {
      JsonNode d = deployment(render(), component);
      JsonNode pod = d.at("/spec/template/spec");
      assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
      assertThat(pod.at("/securityContext/runAsUser").asText() + ":" + pod.at("/securityContext/runAsGroup").asText())
          .isEqualTo(ContainerImagesTest.IMAGE_USER);
      assertThat(pod.at("/automountServiceAccountToken").asBoolean(true)).isFalse();
      JsonNode c = container(d);
      assertThat(c.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
      assertThat(c.at("/securityContext/allowPrivilegeEscalation").asBoolean(true)).isFalse();
      assertThat(c.at("/securityContext/capabilities/drop/0").asText()).isEqualTo("ALL");
      assertThat(c.at("/volumeMounts/1/mountPath").asText()).as("the JVM's writable /tmp").isEqualTo("/tmp");
    }
  }

  @Test
  void serviceMonitorOptionScrapesTheWorkerAndTheApiPrometheusEndpoints() throws Exception {
    assertThat(kinds(render("--set", "serviceMonitor.enabled=false"))).doesNotContain("ServiceMonitor");
    List<JsonNode> docs = render("--set", "serviceMonitor.enabled=true", "--set", "serviceMonitor.labels.release=kps");
    List<JsonNode> monitors = docs.stream().filter(d -> d.path("kind").asText().equals("ServiceMonitor")).toList();
    assertThat(monitors).hasSize(2);
    for (JsonNode m : monitors) {
      String component = m.at("/metadata/labels/app.kubernetes.io~1component").asText();
      assertThat(m.at("/metadata/labels/release").asText()).isEqualTo("kps");
      assertThat(m.at("/spec/selector/matchLabels/app.kubernetes.io~1component").asText()).isEqualTo(component);
      JsonNode endpoint = m.at("/spec/endpoints/0");
      JsonNode service = service(docs, component);
      assertThat(service.at("/spec/ports").findValuesAsText("name")).as("the named port exists")
          .contains(endpoint.get("port").asText());
      assertThat(endpoint.get("path").asText())
          .isEqualTo(component.equals("worker") ? "/metrics" : "/metrics/prometheus");
    }
  }

  /** values.schema.json: a misspelled or mistyped value fails the install instead of being ignored. */
  @Test
  void misspelledOrMistypedValuesAreRefusedByTheSchema() throws Exception {
    Tools.Result typo = helm("template", "rb", chart().toString(), "-f", example(), "--set", "serviceMonitor.enable=true");
    assertThat(typo.exitCode()).isNotZero();
    assertThat(typo.all()).contains("/serviceMonitor").contains("'enable' not allowed");
    Tools.Result type = helm("template", "rb", chart().toString(), "-f", example(), "--set", "secrets.envFrom=pg-runbooks-env");
    assertThat(type.exitCode()).isNotZero();
    assertThat(type.all()).contains("/secrets/envFrom").contains("want array");
    Tools.Result registry = helm("template", "rb", chart().toString(), "-f", example(), "--set", "image.registry=reg.example");
    assertThat(registry.exitCode()).as("a registry without its trailing slash would glue onto the name").isNotZero();
    assertThat(registry.all()).contains("/image/registry");
  }

  @Test
  void anApiBoundToLoopbackIsRefusedAtRenderTime() throws Exception {
    Tools.Result r = helm("template", "rb", chart().toString(), "-f", example(), "--set", "config.api.bindHost=127.0.0.1");
    assertThat(r.exitCode()).isNotZero();
    assertThat(r.all()).contains("config.api.bindHost and config.api.adminBindHost must be 0.0.0.0 in a pod");
  }

  @Test
  void aWorkerWithoutItsMetricsPortIsRefusedAtRenderTimeBecauseItsProbesNeedIt() throws Exception {
    Tools.Result r = helm("template", "rb", chart().toString(), "-f", example(), "--set", "config.worker.metricsPort=0");
    assertThat(r.exitCode()).isNotZero();
    assertThat(r.all()).contains("config.worker.metricsPort is 0");
  }

  private static RunbooksConfig configFile(List<JsonNode> docs) {
    JsonNode cm = docs.stream().filter(d -> d.path("kind").asText().equals("ConfigMap")).findFirst().orElseThrow();
    return ConfigLoader.parse(cm.at("/data/config.yml").asText(), Map.of(), "ConfigMap config.yml");
  }

  private static List<JsonNode> render(String... sets) throws Exception {
    List<String> args = new ArrayList<>(List.of("template", "rb", chart().toString(), "-f", example()));
    args.addAll(List.of(sets));
    Tools.Result r = helm(args.toArray(String[]::new));
    assertThat(r.exitCode()).as(r.all()).isZero();
    List<JsonNode> docs = new ArrayList<>();
    try (var parser = new YAMLFactory().createParser(r.stdout())) {
      YAML.readValues(parser, JsonNode.class).forEachRemaining(d -> {
        if (d != null && !d.isEmpty()) {
          docs.add(d);
        }
      });
    }
    return docs;
  }

  private static JsonNode deployment(List<JsonNode> docs, String component) {
    return docs.stream()
        .filter(d -> d.path("kind").asText().equals("Deployment")
            && d.at("/metadata/name").asText().equals("rb-pg-runbooks-" + component))
        .findFirst().orElseGet(() -> fail("no Deployment for " + component + " in " + kinds(docs)));
  }

  private static JsonNode service(List<JsonNode> docs, String component) {
    return docs.stream()
        .filter(d -> d.path("kind").asText().equals("Service")
            && d.at("/metadata/name").asText().equals("rb-pg-runbooks-" + component))
        .findFirst().orElseGet(() -> fail("no Service for " + component));
  }

  private static JsonNode container(JsonNode deployment) {
    JsonNode containers = deployment.at("/spec/template/spec/containers");
    assertThat(containers).hasSize(1);
    return containers.get(0);
  }

  private static int portNamed(JsonNode container, String name) {
    for (JsonNode p : container.get("ports")) {
      if (p.get("name").asText().equals(name)) {
        return p.get("containerPort").asInt();
      }
    }
    return fail("no port " + name);
  }

  private static List<String> kinds(List<JsonNode> docs) {
    return docs.stream().map(d -> d.path("kind").asText()).toList();
  }

  static Tools.Result helm(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(helmBinary().toString()));
    cmd.addAll(List.of(args));
    // helm keeps caches and plugins under HOME; keep them out of the user's.
    Path home = Files.createTempDirectory("helm-home");
    return Tools.run(chart(), Map.of("HELM_CACHE_HOME", home.resolve("cache").toString(),
        "HELM_CONFIG_HOME", home.resolve("config").toString(), "HELM_DATA_HOME", home.resolve("data").toString()), cmd);
  }

  /** helm on the PATH, else where `go install` puts it ($GOPATH/bin, ~/go/bin), else a failure naming the install. */
  static Path helmBinary() {
    List<Path> candidates = new ArrayList<>();
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      candidates.add(Path.of(dir.isEmpty() ? "." : dir, "helm"));
    }
    String gopath = System.getenv("GOPATH");
    if (gopath != null && !gopath.isBlank()) {
      candidates.add(Path.of(gopath, "bin", "helm"));
    }
    candidates.add(Path.of(System.getProperty("user.home"), "go", "bin", "helm"));
    return candidates.stream().filter(Files::isExecutable).findFirst()
        .orElseGet(() -> fail("helm is not installed; these tests check the chart with it: " + INSTALL));
  }
}
