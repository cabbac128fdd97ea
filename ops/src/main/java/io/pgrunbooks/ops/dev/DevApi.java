package io.pgrunbooks.ops.dev;

import io.pgrunbooks.config.ApiUserConfig;
import io.pgrunbooks.config.RunbooksConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The REST API and approvals page of {@code runbooks dev}: started from its runnable jar as a process,
 * with the bcrypt hash of each configured user's generated dev password in the variable the config
 * names ({@code passwordHashEnv}).
 */
public final class DevApi {
  static final String MAIN = "io.pgrunbooks.api.ApiMain";

  private DevApi() {}

  /** Starts the API and waits until Jetty listens; fails naming the build command when the jar is missing. */
  public static ChildProcess start(Path home, Path configFile, RunbooksConfig cfg, Map<String, String> env,
                                   DevSecrets secrets, Path logs) {
    Path jar = home.resolve("api/target/pg-runbooks-api.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing; build it: mvn -B -o -q -pl api -am package -DskipTests");
    }
    // The API never touches a database or the bucket: it gets the environment the stack was started with plus the
    // password hashes and the signing key, not the database password or the S3 keys the worker gets.
    Map<String, String> apiEnv = new HashMap<>(System.getenv());
    String signingKeyEnv = cfg.approvals().signingKeyEnv();
    if (signingKeyEnv != null && env.containsKey(signingKeyEnv)) {
      apiEnv.put(signingKeyEnv, env.get(signingKeyEnv));
    }
    for (ApiUserConfig u : cfg.api().users()) {
      if (u.passwordHashEnv() != null && !apiEnv.containsKey(u.passwordHashEnv())) {
        apiEnv.put(u.passwordHashEnv(), secrets.apiPasswordHash(u.name()));
      }
    }
    ChildProcess api = ChildProcess.startJava("api", jar.toString(), MAIN,
        List.of("serve", "--config", configFile.toString()), apiEnv, logs.resolve("api.log"));
    api.awaitLog("Started oejs.Server", Duration.ofSeconds(90));
    return api;
  }

  /** The {@code api} entry of stack.json: the page's and the admin port's URLs. */
  public static Map<String, Object> describe(RunbooksConfig cfg) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("url", "http://127.0.0.1:" + cfg.api().port());
    m.put("adminUrl", "http://127.0.0.1:" + cfg.api().adminPort());
    m.put("users", cfg.api().users().stream().map(ApiUserConfig::name).toList());
    return m;
  }
}
