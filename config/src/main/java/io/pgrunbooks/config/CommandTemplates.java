package io.pgrunbooks.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Configured commands ({@code fenceCommand}, {@code startCommand}, {@code stopCommand},
 * {@code stopImmediateCommand}: every key ending in {@code Command}) stay templates in the loaded
 * config: their {@code ${VAR}} references are checked at load but substituted only by the agent that
 * runs the command, just before it runs. Whatever leaves the agent (plans, outcomes, history, reports,
 * logs, notifications) shows the template, and output is redacted of the substituted values.
 */
public final class CommandTemplates {
  private static final Pattern REFERENCE = Pattern.compile("(?<!\\$)\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-[^}]*)?}");
  private static final String MASK = "***";

  private CommandTemplates() {}

  /** Whether the config key holds a command template (substituted at run time, not at load). */
  static boolean isCommandKey(String key) {
    return key != null && key.endsWith("Command");
  }

  /**
   * {@code token} with its references substituted from {@code env}.
   *
   * @throws IllegalStateException naming the variable (never a value) when one is unset
   */
  public static String expand(String token, Map<String, String> env) {
    List<String> problems = new ArrayList<>();
    String out = EnvSubstitution.apply(token, env, problems::add);
    if (out == null) {
      throw new IllegalStateException("configured command: " + String.join("; ", problems));
    }
    return out;
  }

  /** Every token of {@code command} expanded ({@link #expand}). */
  public static List<String> expand(List<String> command, Map<String, String> env) {
    return command.stream().map(t -> expand(t, env)).toList();
  }

  /** {@code text} with the values the template's references stand for replaced by {@value #MASK}. */
  public static String redact(String text, List<String> template, Map<String, String> env) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String out = text;
    for (String token : template) {
      Matcher m = REFERENCE.matcher(token);
      while (m.find()) {
        String value = env.get(m.group(1));
        if (value != null && !value.isBlank()) {
          out = out.replace(value, MASK);
        }
      }
    }
    return out;
  }
}
