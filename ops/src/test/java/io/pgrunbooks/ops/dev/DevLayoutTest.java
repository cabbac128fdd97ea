package io.pgrunbooks.ops.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevLayoutTest {
  @TempDir
  Path home;

  @Test
  void checkoutUsesTheBuiltJarsAndOpsConfigAndNamesTheBuildWhenAJarIsMissing() throws Exception {
    Files.createDirectories(home.resolve("worker/target"));
    Files.writeString(home.resolve("worker/target/pg-runbooks-worker.jar"), "jar");
    DevLayout layout = DevLayout.of(home);

    assertThat(layout.distribution()).isFalse();
    assertThat(layout.defaultConfig()).isEqualTo(home.resolve("ops/config/dev.yml"));
    assertThat(layout.workerClasspath()).isEqualTo(home.resolve("worker/target/pg-runbooks-worker.jar").toString());
    assertThatThrownBy(layout::apiClasspath).hasMessageContaining("pg-runbooks-api.jar is missing")
        .hasMessageContaining("mvn -B -o -q -pl api -am package -DskipTests");
  }

  @Test
  void distributionUsesEachComponentsOwnClasspathListUnderLibAndConfigDevYml() throws Exception {
    Path lib = Files.createDirectories(home.resolve("lib"));
    for (String jar : new String[] {"pg-runbooks-worker.jar", "pg-runbooks-api.jar", "a-1.jar", "b-2.jar", "c-3.jar"}) {
      Files.writeString(lib.resolve(jar), "jar");
    }
    Files.writeString(lib.resolve("worker.classpath"), "lib/a-1.jar:lib/b-2.jar\n");
    Files.writeString(lib.resolve("api.classpath"), "lib/a-1.jar:lib/c-3.jar:lib/gone-4.jar");
    DevLayout layout = DevLayout.of(home);

    assertThat(layout.distribution()).isTrue();
    assertThat(layout.defaultConfig()).isEqualTo(home.toAbsolutePath().normalize().resolve("config/dev.yml"));
    Path h = home.toAbsolutePath().normalize();
    assertThat(layout.workerClasspath()).isEqualTo(String.join(":", h.resolve("lib/pg-runbooks-worker.jar").toString(),
        h.resolve("lib/a-1.jar").toString(), h.resolve("lib/b-2.jar").toString()));
    assertThatThrownBy(layout::apiClasspath).hasMessageContaining("gone-4.jar (listed for the api) is missing");
  }
}
