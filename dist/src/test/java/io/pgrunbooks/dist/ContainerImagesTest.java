package io.pgrunbooks.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Jib image tarballs of the worker and the API (target/pg-runbooks-*-image.tar, docker-save format):
 * their config as a runtime reads it, and the image itself run from its unpacked layers in a chroot with
 * its own /proc (what a container runtime gives it), as the image's user, with the image's environment.
 */
class ContainerImagesTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String IMAGE_USER = "10001:10001";

  @TempDir
  Path tmp;

  @Test
  void workerImageRunsTheWorkerAsANonRootUserWithItsMetricsPortAndVersionLabels() throws Exception {
    JsonNode config = imageConfig(image("worker")).get("config");
    assertThat(strings(config.get("Entrypoint"))).first().isEqualTo("java");
    assertThat(strings(config.get("Entrypoint"))).last().isEqualTo("io.pgrunbooks.worker.WorkerMain");
    assertThat(strings(config.get("Entrypoint"))).contains("-XX:MaxRAMPercentage=75");
    assertThat(strings(config.get("Cmd"))).containsExactly("worker");
    assertNonRootWithLabels(config, "pg-runbooks-worker");
    assertThat(fieldNames(config.get("ExposedPorts"))).containsExactly("9464/tcp");
  }

  @Test
  void apiImageServesBothPortsAsANonRootUserWithVersionLabels() throws Exception {
    JsonNode config = imageConfig(image("api")).get("config");
    assertThat(strings(config.get("Entrypoint"))).first().isEqualTo("java");
    assertThat(strings(config.get("Entrypoint"))).last().isEqualTo("io.pgrunbooks.api.ApiMain");
    assertThat(strings(config.get("Cmd"))).containsExactly("serve");
    assertNonRootWithLabels(config, "pg-runbooks-api");
    assertThat(fieldNames(config.get("ExposedPorts"))).containsExactlyInAnyOrder("8080/tcp", "8081/tcp");
  }

  @Test
  void workerImageEntrypointPrintsTheVersionFromItsUnpackedLayers() throws Exception {
    assertThat(runEntrypoint("worker", "--version"))
        .isEqualTo("pg-runbooks-worker " + version() + " (commit " + commit() + ")");
  }

  @Test
  void apiImageEntrypointPrintsTheVersionFromItsUnpackedLayers() throws Exception {
    assertThat(runEntrypoint("api", "--version"))
        .isEqualTo("pg-runbooks-api " + version() + " (commit " + commit() + ")");
  }

  /** A config error must reach the operator as the documented exit code 2, not a JVM or loader failure. */
  @Test
  void workerImageWithoutAConfigFileExitsWithTheBadConfigCode() throws Exception {
    Path root = unpack("worker");
    Tools.Result r = runInImage(root, imageConfig(image("worker")).get("config"), List.of("worker"));
    assertThat(r.exitCode()).as(r.all()).isEqualTo(2);
    assertThat(r.all()).contains("/etc/pg-runbooks/config.yml");
  }

  private void assertNonRootWithLabels(JsonNode config, String title) throws Exception {
    String user = config.get("User").asText();
    assertThat(user).isEqualTo(IMAGE_USER);
    assertThat(user.split(":")[0]).as("numeric, so Kubernetes runAsNonRoot can check it").isNotEqualTo("0");
    JsonNode labels = config.get("Labels");
    assertThat(labels.get("org.opencontainers.image.version").asText()).isEqualTo(version());
    assertThat(labels.get("org.opencontainers.image.revision").asText()).isEqualTo(commit());
    assertThat(labels.get("org.opencontainers.image.title").asText()).isEqualTo(title);
    assertThat(labels.get("io.pgrunbooks.base.jdk").asText()).as("the base records its JRE").isNotBlank();
    assertThat(strings(config.get("Env"))).contains("RUNBOOKS_CONFIG=/etc/pg-runbooks/config.yml", "JAVA_HOME=/opt/java");
  }

  private String runEntrypoint(String component, String... args) throws Exception {
    Path root = unpack(component);
    // The image's user exists in its own passwd (what `id` and ps show), and it is not root.
    assertThat(Files.readString(root.resolve("etc/passwd"))).contains("runbooks:x:10001:10001:");
    Tools.Result r = runInImage(root, imageConfig(image(component)).get("config"), List.of(args));
    assertThat(r.exitCode()).as(r.all()).isZero();
    return r.stdout().strip();
  }

  /** Entrypoint + args as the runtime would: own mount and pid namespaces, /proc, the image's env and user. */
  private Tools.Result runInImage(Path root, JsonNode config, List<String> args) throws Exception {
    Path unshare = Tools.require("unshare", "apt-get install -y util-linux");
    Path chroot = Tools.require("chroot", "apt-get install -y coreutils");
    Path env = Tools.require("env", "apt-get install -y coreutils");
    if (!"0".equals(Tools.run(tmp, "id", "-u").stdout().strip())) {
      fail("running the image from its layers needs root (chroot, unshare --mount-proc); CI runs as root");
    }
    List<String> cmd = new ArrayList<>(List.of(unshare.toString(), "--mount", "--pid", "--fork",
        "--mount-proc=" + root.resolve("proc"), env.toString(), "-i"));
    cmd.addAll(strings(config.get("Env")));
    cmd.addAll(List.of(chroot.toString(), "--userspec=" + config.get("User").asText(), root.toString()));
    cmd.addAll(strings(config.get("Entrypoint")));
    cmd.addAll(args);
    return Tools.run(tmp, Map.of(), cmd);
  }

  /** The image's layers, in manifest order, into one root directory. */
  private Path unpack(String component) throws Exception {
    Path image = extract(image(component));
    JsonNode manifest = JSON.readTree(image.resolve("manifest.json").toFile()).get(0);
    Path root = Files.createDirectories(tmp.resolve(component + "-rootfs"));
    for (String layer : strings(manifest.get("Layers"))) {
      Tools.Result r = Tools.run(tmp, "tar", "--warning=no-unknown-keyword", "-xzf",
          image.resolve(layer).toString(), "-C", root.toString());
      assertThat(r.exitCode()).as(r.all()).isZero();
    }
    try (Stream<Path> files = Files.walk(root)) {
      assertThat(files.filter(p -> p.getFileName().toString().startsWith(".wh.")))
          .as("no whiteouts: layers only add").isEmpty();
    }
    return root;
  }

  private JsonNode imageConfig(Path tarball) throws Exception {
    Path image = extract(tarball);
    JsonNode manifest = JSON.readTree(image.resolve("manifest.json").toFile());
    assertThat(manifest).as("one image per tarball").hasSize(1);
    return JSON.readTree(image.resolve(manifest.get(0).get("Config").asText()).toFile());
  }

  private Path extract(Path tarball) throws Exception {
    Path dir = tmp.resolve("image-" + tarball.getFileName());
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir);
      Tools.Result r = Tools.run(tmp, "tar", "-xf", tarball.toString(), "-C", dir.toString());
      assertThat(r.exitCode()).as(r.all()).isZero();
    }
    return dir;
  }

  static Path image(String component) {
    Path p = Tools.repoRoot().resolve(component).resolve("target/pg-runbooks-" + component + "-image.tar");
    if (!Files.isRegularFile(p)) {
      fail(p + " is missing: `mvn package` builds it (jib:buildTar in " + component
          + "); it is left out only with -Dimages.skip=true, which also leaves out this test");
    }
    return p;
  }

  static String version() {
    return System.getProperty("dist.version", "0.1.0-SNAPSHOT");
  }

  /** The commit the labels and --version must carry: HEAD of this checkout, as the build recorded it. */
  static String commit() throws Exception {
    Tools.Result r = Tools.run(Tools.repoRoot(), "git", "rev-parse", "HEAD");
    return r.exitCode() == 0 ? r.stdout().strip() : "unknown";
  }

  static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  static List<String> fieldNames(JsonNode object) {
    List<String> out = new ArrayList<>();
    object.fieldNames().forEachRemaining(out::add);
    return out;
  }
}
