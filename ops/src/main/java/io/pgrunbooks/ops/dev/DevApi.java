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
  public static ChildProcess start(DevLayout layout, Path configFile, RunbooksConfig cfg, Map<String, String> env,
                                   DevSecrets secrets, Path logs) {
    String classpath = layout.apiClasspath();
    // The API never touches a database: it gets the environment the stack was started with plus the password
    // hashes, the signing key and the bucket's keys (it reads the run reports there), not the database password.
    Map<String, String> apiEnv = new HashMap<>(System.getenv());
    for (String s3Env : new String[] {cfg.archive().accessKeyEnv(), cfg.archive().secretKeyEnv()}) {
      if (s3Env != null && env.containsKey(s3Env)) {
        apiEnv.put(s3Env, env.get(s3Env));
      }
    }
    String signingKeyEnv = cfg.approvals().signingKeyEnv();
    if (signingKeyEnv != null && env.containsKey(signingKeyEnv)) {
      apiEnv.put(signingKeyEnv, env.get(signingKeyEnv));
    }
    for (ApiUserConfig u : cfg.api().users()) {
      if (u.passwordHashEnv() != null && !apiEnv.containsKey(u.passwordHashEnv())) {
        apiEnv.put(u.passwordHashEnv(), secrets.apiPasswordHash(u.name()));
      }
    }
    ChildProcess api = ChildProcess.startJava("api", classpath, MAIN,
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
