package io.pgrunbooks.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Passes over the raw YAML tree that need its paths: inline secrets, ${VAR} substitution, relative files. */
final class TreeChecks {
  private static final Map<String, String> SECRET_KEYS =
      Map.of(
          "password", "password",
          "passwordhash", "passwordHash",
          "secretkey", "secretKey",
          "secret", "secretKey",
          "accesskeysecret", "secretKey",
          "signingkey", "signingKey",
          "cipherpass", "cipherPass",
          "apikey", "apiKey",
          "clientsecret", "clientSecret");

  // Files read by the process that loads the config, hence relative to the config file.
  private static final Set<String> LOCAL_FILE_KEYS =
      Set.of("passwordFile", "passwordHashFile", "secretKeyFile", "signingKeyFile", "certFile", "keyFile", "caFile",
          "cipherPassFile", "apiKeyFile", "clientSecretFile");

  private TreeChecks() {}

  /** Reports and removes every inline secret, so that no later stage even binds it. */
  static void refuseInlineSecrets(JsonNode node, String path, Problems problems) {
    if (node instanceof ObjectNode obj) {
      List<String> names = new ArrayList<>();
      obj.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        String stem = SECRET_KEYS.get(name.toLowerCase(Locale.ROOT));
        if (stem != null) {
          problems.add(
              Problems.child(path, name),
              "inline secrets are not accepted; set " + stem + "Env: <ENV_VAR_NAME> or " + stem
                  + "File: <path> instead");
          obj.remove(name);
        } else {
          refuseInlineSecrets(obj.get(name), Problems.child(path, name), problems);
        }
      }
    } else if (node instanceof ArrayNode arr) {
      for (int i = 0; i < arr.size(); i++) {
        refuseInlineSecrets(arr.get(i), Problems.index(path, i), problems);
      }
    }
  }

  /** Substitutes in every string scalar; a scalar that cannot be substituted becomes null. */
  static void substitute(JsonNode node, String path, Map<String, String> env, Problems problems) {
    if (node instanceof ObjectNode obj) {
      List<String> names = new ArrayList<>();
      obj.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        String p = Problems.child(path, name);
        JsonNode child = obj.get(name);
        if (child.isTextual() && CommandTemplates.isCommandKey(name)) {
          // Checked now (an unset variable stops the start) but kept as the template: substituted only where it runs.
          substituted(child.textValue(), p, env, problems);
        } else if (child.isTextual()) {
          obj.set(name, substituted(child.textValue(), p, env, problems));
        } else {
          substitute(child, p, env, problems);
        }
      }
    } else if (node instanceof ArrayNode arr) {
      for (int i = 0; i < arr.size(); i++) {
        String p = Problems.index(path, i);
        if (arr.get(i).isTextual()) {
          arr.set(i, substituted(arr.get(i).textValue(), p, env, problems));
        } else {
          substitute(arr.get(i), p, env, problems);
        }
      }
    }
  }

  private static JsonNode substituted(String text, String path, Map<String, String> env, Problems problems) {
    String out = EnvSubstitution.apply(text, env, problem -> problems.add(path, problem));
    return out == null ? NullNode.getInstance() : TextNode.valueOf(out);
  }

  /** Makes local file paths absolute against the config file's directory; schedule inputs are left alone. */
  static void resolveFiles(JsonNode node, Path baseDir) {
    if (node instanceof ObjectNode obj) {
      List<String> names = new ArrayList<>();
      obj.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        JsonNode child = obj.get(name);
        if (LOCAL_FILE_KEYS.contains(name) && child.isTextual() && !child.textValue().isBlank()) {
          obj.put(name, baseDir.resolve(child.textValue()).normalize().toString());
        } else if (!name.equals("input")) {
          resolveFiles(child, baseDir);
        }
      }
    } else if (node instanceof ArrayNode arr) {
      arr.forEach(child -> resolveFiles(child, baseDir));
    }
  }
}
