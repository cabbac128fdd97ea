package io.pgrunbooks.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.config.ConfigLoader;
import io.pgrunbooks.config.RunbooksConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The archive `mvn package` builds: unpacked as an operator would, every entry point runs from it. */
class DistributionArchiveTest {
  @TempDir
  static Path unpacked;
  static Path home;
  static String version;
  static String commit;

  @BeforeAll
  static void unpack() throws Exception {
    Path archive = Path.of(System.getProperty("dist.archive"));
    assertThat(archive).as("built by mvn package in dist/").isRegularFile();
    Tools.Result tar = Tools.run(unpacked, "tar", "-xzf", archive.toString());
    assertThat(tar.exitCode()).as(tar.all()).isZero();
    version = System.getProperty("dist.version");
    home = unpacked.resolve("pg-runbooks-" + version);
    Tools.Result git = Tools.run(Tools.repoRoot(), "git", "rev-parse", "HEAD");
    commit = git.exitCode() == 0 ? git.stdout().strip() : "unknown";
  }

  @Test
  void everyEntryPointOfTheUnpackedArchivePrintsTheVersionAndCommit() throws Exception {
    Map<String, String> expected = Map.of(
        "runbooks", "runbooks",
        "runbooks-worker", "pg-runbooks-worker worker",
        "runbooks-agent", "pg-runbooks-worker agent",
        "runbooks-api", "pg-runbooks-api");
    for (var e : expected.entrySet()) {
      Path bin = home.resolve("bin").resolve(e.getKey());
      assertThat(Files.isExecutable(bin)).as(bin + " executable").isTrue();
      // From another directory, as systemd starts it: the script must find its own lib/.
      Tools.Result r = Tools.run(unpacked.getParent(), bin.toString(), "--version");
      assertThat(r.exitCode()).as(r.all()).isZero();
      assertThat(r.stdout().strip()).isEqualTo(e.getValue() + " " + version + " (commit " + commit + ")");
    }
  }

  @Test
  void archiveHoldsTheExampleConfigUnitsAlertRulesAndDocs() {
    for (String f : List.of("README.md", "config/example.yml", "systemd/runbooks-worker.service",
        "systemd/runbooks-api.service", "systemd/runbooks-agent@.service", "systemd/pg-runbooks.sysusers.conf",
        "docs/config-reference.yml", "docs/backup.md", "lib/cli.classpath", "lib/worker.classpath",
        "lib/api.classpath", "lib/runbooks.jar", "lib/pg-runbooks-worker.jar", "lib/pg-runbooks-api.jar",
        "helm/pg-runbooks/Chart.yaml", "helm/pg-runbooks/values.yaml", "helm/pg-runbooks/templates/worker-deployment.yaml")) {
      assertThat(home.resolve(f)).isRegularFile();
    }
  }

  /** One shared lib/ is only safe if no two components need different files under the same name. */
  @Test
  void eachComponentClasspathNamesExactlyItsModulesJars() throws Exception {
    Map<String, String> modules = Map.of("cli", "ops", "worker", "worker", "api", "api");
    for (var e : modules.entrySet()) {
      String cp = Files.readString(home.resolve("lib/" + e.getKey() + ".classpath")).strip();
      Path moduleLib = Tools.repoRoot().resolve(e.getValue()).resolve("target/lib");
      List<String> entries = List.of(cp.split(":"));
      try (var files = Files.list(moduleLib)) {
        assertThat(entries).hasSize((int) files.count());
      }
      for (String entry : entries) {
        Path inArchive = home.resolve(entry);
        Path own = moduleLib.resolve(Path.of(entry).getFileName());
        assertThat(inArchive).as(entry).isRegularFile();
        assertThat(Files.mismatch(inArchive, own)).as(entry + " is the " + e.getValue() + " module's own jar").isEqualTo(-1L);
      }
    }
  }

  @Test
  void exampleConfigLoadsAndValidatesWithItsSecretsFromTheEnvironment() {
    Map<String, String> env = new HashMap<>();
    env.put("RUNBOOKS_PG_PASSWORD", "x");
    env.put("PGBOUNCER_ADMIN_PASSWORD", "x");
    env.put("RUNBOOKS_WEBHOOK_URL", "https://hooks.example.internal/x");
    env.put("RUNBOOKS_API_HASH_ALICE", "$2a$10$abcdefghijklmnopqrstuuJ6w8pY5iH3mV7B7bqf1D7k3cOyC6vQW");
    env.put("RUNBOOKS_API_HASH_BOB", "$2a$10$abcdefghijklmnopqrstuuJ6w8pY5iH3mV7B7bqf1D7k3cOyC6vQW");
    RunbooksConfig cfg = ConfigLoader.load(home.resolve("config/example.yml"), env);
    assertThat(cfg.clusters()).containsOnlyKeys("main");
    assertThat(cfg.api().adminBindHost()).isEqualTo("0.0.0.0");
  }

  /**
   * {@code bin/runbooks dev} from the archive: it finds the worker and the API through lib/'s classpath lists
   * (not the checkout's target/ jars) and config/dev.yml, and the processes it would launch start from them.
   */
  @Test
  void devFromTheArchiveLaunchesItsWorkerAndApiFromLibAndLoadsConfigDevYml() throws Exception {
    io.pgrunbooks.ops.dev.DevLayout layout = io.pgrunbooks.ops.dev.DevLayout.of(home);
    assertThat(layout.distribution()).isTrue();
    assertThat(layout.defaultConfig()).isEqualTo(home.toAbsolutePath().normalize().resolve("config/dev.yml"));
    Map<String, String> env = new HashMap<>();
    env.put("RUNBOOKS_PG_PASSWORD", "x");
    env.put("RUNBOOKS_S3_SECRET_KEY", "x");
    env.put("RUNBOOKS_DEV_DIR", unpacked.resolve(".runbooks-dev").toString());
    assertThat(ConfigLoader.load(layout.defaultConfig(), env).clusters()).containsKey("main");

    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Tools.Result worker = Tools.run(unpacked, java, "-cp", layout.workerClasspath(), "io.pgrunbooks.worker.WorkerMain",
        "worker", "--version");
    assertThat(worker.exitCode()).as(worker.all()).isZero();
    assertThat(worker.stdout()).contains(version);
    Tools.Result api = Tools.run(unpacked, java, "-cp", layout.apiClasspath(), "io.pgrunbooks.api.ApiMain", "serve",
        "--version");
    assertThat(api.exitCode()).as(api.all()).isZero();
    assertThat(api.stdout()).contains(version);
    Tools.Result help = Tools.run(unpacked, home.resolve("bin/runbooks").toString(), "dev", "--help");
    assertThat(help.exitCode()).as(help.all()).isZero();
  }
}
