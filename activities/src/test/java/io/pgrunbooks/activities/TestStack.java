package io.pgrunbooks.activities;

import io.pgrunbooks.config.ConfigLoader;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.ops.stack.LocalStack;
import io.pgrunbooks.ops.stack.PostgresNode;
import io.pgrunbooks.ops.stack.SharedStack;
import java.util.Map;

/** A pg-runbooks config describing the shared local stack's PostgreSQL cluster as cluster {@value #CLUSTER}. */
public final class TestStack {
  public static final String CLUSTER = "test";
  public static final String PASSWORD_ENV = "RUNBOOKS_TEST_PG_PASSWORD";

  private TestStack() {}

  public static LocalStack stack() {
    return SharedStack.get();
  }

  /** The environment the activities resolve the password from. */
  public static Map<String, String> env() {
    return Map.of(PASSWORD_ENV, SharedStack.PASSWORD);
  }

  /** Config of the running stack; {@code longQuerySeconds} lets a test see a short pg_sleep as long. */
  public static RunbooksConfig config(long longQuerySeconds) {
    StringBuilder yaml = new StringBuilder("""
        worker:
          agentStartTimeout: 5s
        clusters:
          %s:
            nodes:
        """.formatted(CLUSTER));
    for (PostgresNode node : stack().postgres().nodes()) {
      yaml.append("""
                - name: %s
                  host: %s
                  port: %d
                  dataDir: %s
          """.formatted(node.name(), node.host(), node.port(), node.dataDir().toAbsolutePath()));
    }
    yaml.append("""
            credentials:
              user: postgres
              passwordEnv: %s
            health:
              longQuerySeconds: %d
        """.formatted(PASSWORD_ENV, longQuerySeconds));
    return ConfigLoader.parse(yaml.toString(), env(), "test-stack");
  }
}
