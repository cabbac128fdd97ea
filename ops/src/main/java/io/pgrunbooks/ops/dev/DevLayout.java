package io.pgrunbooks.ops.dev;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where {@code runbooks dev} finds the worker, the API and its default config: in a source checkout
 * ({@code worker/target/pg-runbooks-worker.jar}, {@code ops/config/dev.yml}) or in the unpacked
 * distribution archive ({@code lib/} with one {@code <component>.classpath} list per component, and
 * {@code config/dev.yml}), told apart by {@code lib/worker.classpath}. {@code home} is
 * {@code $RUNBOOKS_HOME}, which {@code bin/runbooks} and {@code ./runbooks} set.
 *
 * @param home the checkout or the unpacked archive
 * @param distribution true for the archive's layout
 */
public record DevLayout(Path home, boolean distribution) {
  /** The layout of {@code home}. */
  public static DevLayout of(Path home) {
    Path h = home.toAbsolutePath().normalize();
    return new DevLayout(h, Files.isRegularFile(h.resolve("lib").resolve("worker.classpath")));
  }

  /** The dev config used without {@code --config}. */
  public Path defaultConfig() {
    return distribution ? home.resolve("config/dev.yml") : home.resolve("ops/config/dev.yml");
  }

  /** Class path of the worker and node agents; fails naming the build command when it is missing. */
  public String workerClasspath() {
    return classpath("worker", "pg-runbooks-worker.jar", "worker/target/pg-runbooks-worker.jar",
        "mvn -B -o -q -pl worker -am package -DskipTests");
  }

  /** Class path of the API; fails naming the build command when it is missing. */
  public String apiClasspath() {
    return classpath("api", "pg-runbooks-api.jar", "api/target/pg-runbooks-api.jar",
        "mvn -B -o -q -pl api -am package -DskipTests");
  }

  private String classpath(String component, String jarName, String checkoutJar, String build) {
    if (!distribution) {
      Path jar = home.resolve(checkoutJar);
      if (!Files.isRegularFile(jar)) {
        throw new IllegalStateException(jar + " is missing; build it: " + build);
      }
      return jar.toString();
    }
    // The archive's jars carry no usable Class-Path (it points at lib/lib/): use the component's list,
    // as bin/runbooks-worker does, never lib/* (the components need different versions of shared libraries).
    Path jar = home.resolve("lib").resolve(jarName);
    Path list = home.resolve("lib").resolve(component + ".classpath");
    List<String> entries = new ArrayList<>();
    entries.add(jar.toString());
    try {
      for (String entry : Files.readString(list).strip().split(":")) {
        if (!entry.isBlank()) {
          entries.add(home.resolve(entry.strip()).toString());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + list + " of the distribution in " + home, e);
    }
    for (String entry : entries) {
      if (!Files.isRegularFile(Path.of(entry))) {
        throw new IllegalStateException(entry + " (listed for the " + component + ") is missing from the distribution in "
            + home + ": unpack the archive again");
      }
    }
    return String.join(java.io.File.pathSeparator, entries);
  }
}
