package io.pgrunbooks.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Loads and validates the config file. Stages: YAML tree, inline-secret refusal, {@code ${VAR}}
 * substitution, relative file resolution, binding, validation. Every problem of every stage is
 * collected and thrown together as one {@link ConfigException}.
 */
public final class ConfigLoader {
  /** Environment variable naming the config file when no path is given. */
  public static final String CONFIG_ENV = "RUNBOOKS_CONFIG";

  private static final ObjectMapper MAPPER =
      YAMLMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .addModule(new SimpleModule("pg-runbooks-config").addDeserializer(Duration.class, new DurationDeserializer()))
          .build();

  private ConfigLoader() {}

  /** Loads a config file; relative secret and TLS file paths are resolved against its directory. */
  public static RunbooksConfig load(Path file, Map<String, String> env) {
    String yaml;
    try {
      yaml = Files.readString(file);
    } catch (IOException e) {
      throw new ConfigException(file.toString(), List.of(file + ": cannot read (" + Secrets.reason(e) + ")"));
    }
    return parse(yaml, env, file.toString(), file.toAbsolutePath().getParent());
  }

  /** Parses config text; relative file paths are resolved against the working directory. */
  public static RunbooksConfig parse(String yaml, Map<String, String> env, String sourceName) {
    return parse(yaml, env, sourceName, Path.of("").toAbsolutePath());
  }

  /** Parses config text, resolving relative file paths against {@code baseDir}. */
  public static RunbooksConfig parse(String yaml, Map<String, String> env, String sourceName, Path baseDir) {
    Problems problems = new Problems();
    ObjectNode root = readTree(yaml, sourceName);
    TreeChecks.refuseInlineSecrets(root, "", problems);
    TreeChecks.substitute(root, "", env, problems);
    TreeChecks.resolveFiles(root, baseDir);
    problems.nextStage();
    RunbooksConfig config = Binder.bind(MAPPER, root, problems);
    problems.nextStage();
    if (config != null) {
      ConfigValidator.validate(config, problems);
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(sourceName, problems.lines());
    }
    return config;
  }

  /** Loads the file named by the argument, else by {@value #CONFIG_ENV}. */
  public static RunbooksConfig fromArgsOrEnv(String pathOrNull) {
    return fromArgsOrEnv(pathOrNull, System.getenv());
  }

  /** As {@link #fromArgsOrEnv(String)}, reading {@value #CONFIG_ENV} and substitutions from {@code env}. */
  public static RunbooksConfig fromArgsOrEnv(String pathOrNull, Map<String, String> env) {
    String path = pathOrNull != null && !pathOrNull.isBlank() ? pathOrNull : env.get(CONFIG_ENV);
    if (path == null || path.isBlank()) {
      throw new ConfigException(
          "(none)",
          List.of("config: no config file given; pass --config <file> or set " + CONFIG_ENV
              + "=<file> (the local stack's is ops/config/dev.yml)"));
    }
    return load(Path.of(path), env);
  }

  /**
   * Every secret the config refers to that cannot be read with this environment, as {@code path:
   * problem}. Not part of loading, because each process needs only some secrets; call it at start-up
   * for the ones that process uses, or for all of them as here.
   */
  public static List<String> secretProblems(RunbooksConfig config, Map<String, String> env) {
    List<String> out = new ArrayList<>();
    config.clusters().forEach(
        (name, c) -> {
          if (c == null) {
            return;
          }
          String path = "clusters." + name;
          check(out, path + ".credentials", () -> c.credentials().resolvePassword(env));
          if (c.pgbouncer() != null && c.pgbouncer().credentials() != null) {
            check(out, path + ".pgbouncer.credentials", () -> c.pgbouncer().credentials().resolvePassword(env));
          }
          if (c.pgbackrest() != null) {
            check(out, path + ".pgbackrest", () -> c.pgbackrest().resolveCipherPass(env));
          }
          if (c.patroni() != null && c.patroni().credentials() != null) {
            check(out, path + ".patroni.credentials", () -> c.patroni().credentials().resolvePassword(env));
          }
        });
    if (config.temporal().usesApiKey()) {
      check(out, "temporal", () -> config.temporal().resolveApiKey(env));
    }
    if (config.archive().configured()) {
      check(out, "archive", () -> config.archive().resolveAccessKey(env));
      check(out, "archive", () -> config.archive().resolveSecretKey(env));
    }
    List<ApiUserConfig> users = config.api().users();
    for (int i = 0; i < users.size(); i++) {
      ApiUserConfig u = users.get(i);
      check(out, "api.users[" + i + "]", () -> u.resolvePasswordHash(env));
    }
    if (config.api().oidc() != null) {
      check(out, "api.oidc", () -> config.api().oidc().resolveClientSecret(env));
    }
    if (config.approvals().signingKeyConfigured()) {
      check(out, "approvals", () -> {
        config.approvals().signingKey(env);
        return null;
      });
    }
    String urlEnv = config.notifications().webhookUrlEnv();
    if (urlEnv != null && (env.get(urlEnv) == null || env.get(urlEnv).isEmpty())) {
      out.add("notifications.webhookUrlEnv: environment variable " + urlEnv + " is not set");
    }
    List<ChannelConfig> channels = config.notifications().channels();
    for (int i = 0; i < channels.size(); i++) {
      ChannelConfig c = channels.get(i);
      for (String[] key : new String[][] {{"urlEnv", c.urlEnv()}, {"passwordEnv", c.passwordEnv()},
          {"routingKeyEnv", c.routingKeyEnv()}}) {
        if (key[1] != null && (env.get(key[1]) == null || env.get(key[1]).isEmpty())) {
          out.add("notifications.channels[" + i + "]." + key[0] + ": environment variable " + key[1] + " of channel "
              + c.name() + " is not set");
        }
      }
    }
    return out;
  }

  private static void check(List<String> out, String path, Supplier<String> read) {
    try {
      read.get();
    } catch (IllegalStateException e) {
      out.add(path + ": " + e.getMessage());
    }
  }

  private static ObjectNode readTree(String yaml, String sourceName) {
    JsonNode root;
    try {
      root = MAPPER.readTree(yaml);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? "config" : "line " + at.getLineNr() + ", column " + at.getColumnNr();
      String msg = String.valueOf(e.getOriginalMessage()).lines().findFirst().orElse("");
      throw new ConfigException(sourceName, List.of(where + ": " + msg));
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      return MAPPER.createObjectNode();
    }
    if (!(root instanceof ObjectNode obj)) {
      throw new ConfigException(sourceName, List.of("config: must be a mapping of sections (temporal, clusters, ...)"));
    }
    return obj;
  }
}
