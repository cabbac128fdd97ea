package io.pgrunbooks.config;

import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/** {@code ${VAR}}, {@code ${VAR:-default}} and the literal escape {@code $${} inside one scalar. */
final class EnvSubstitution {
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private EnvSubstitution() {}

  /** The substituted text, or null after reporting each problem (unset variable, bad syntax). */
  static String apply(String in, Map<String, String> env, Consumer<String> problem) {
    if (in.indexOf('$') < 0) {
      return in;
    }
    StringBuilder out = new StringBuilder(in.length());
    boolean ok = true;
    int i = 0;
    while (i < in.length()) {
      if (in.startsWith("$${", i)) {
        out.append("${");
        i += 3;
      } else if (in.startsWith("${", i)) {
        int end = in.indexOf('}', i + 2);
        if (end < 0) {
          problem.accept("unterminated ${ (write $${ for a literal ${)");
          return null;
        }
        String expr = in.substring(i + 2, end);
        int sep = expr.indexOf(":-");
        String name = sep < 0 ? expr : expr.substring(0, sep);
        String value = env.get(name);
        if (!NAME.matcher(name).matches()) {
          problem.accept("\"${" + expr + "}\" is not ${VAR} or ${VAR:-default}");
          ok = false;
        } else if (sep >= 0 && (value == null || value.isEmpty())) {
          out.append(expr, sep + 2, expr.length());
        } else if (value == null) {
          problem.accept("environment variable " + name + " is not set");
          ok = false;
        } else {
          out.append(value);
        }
        i = end + 1;
      } else {
        out.append(in.charAt(i++));
      }
    }
    return ok ? out.toString() : null;
  }
}
