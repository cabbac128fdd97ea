package io.pgrunbooks.workflows.rollingrestart;

import io.pgrunbooks.workflows.rollingrestart.ParameterActivities.Setting;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A requested value checked against its {@code pg_settings} row (vartype, unit, min, max, enumvals) the way
 * PostgreSQL reads it, and turned into the form {@code pg_settings.setting} shows once it is live. Pure.
 */
final class SettingValues {
  private static final Pattern NUMBER = Pattern.compile("\\s*([-+]?[0-9]+(?:\\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)\\s*([A-Za-z]*)\\s*");
  private static final Map<String, Double> MEMORY = Map.of("B", 1d, "kB", 1024d, "MB", 1024d * 1024,
      "GB", 1024d * 1024 * 1024, "TB", 1024d * 1024 * 1024 * 1024);
  private static final Map<String, Double> TIME = Map.of("us", 0.001, "ms", 1d, "s", 1000d, "min", 60_000d,
      "h", 3_600_000d, "d", 86_400_000d);
  private static final Map<String, String> BOOLS = Map.of("on", "on", "off", "off", "true", "on", "false", "off",
      "yes", "on", "no", "off", "1", "on", "0", "off");

  private SettingValues() {}

  /** The live form of {@code value}; throws IllegalArgumentException with the sentence PostgreSQL's rule gives. */
  static String normalize(Setting s, String value) {
    String v = value == null ? "" : value.strip();
    switch (s.vartype()) {
      case "bool" -> {
        String b = BOOLS.get(v.toLowerCase(Locale.ROOT));
        if (b == null) {
          throw new IllegalArgumentException(s.name() + " is a boolean: give on or off, not '" + value + "'");
        }
        return b;
      }
      case "enum" -> {
        return s.enumvals().stream().filter(e -> e.equalsIgnoreCase(v)).findFirst().orElseThrow(() ->
            new IllegalArgumentException(s.name() + " must be one of " + String.join(", ", s.enumvals()) + ", not '"
                + value + "'"));
      }
      case "integer", "real" -> {
        double n = inUnit(s, v, value);
        boolean integer = "integer".equals(s.vartype());
        double rounded = integer ? Math.rint(n) : n;
        double min = Double.parseDouble(s.min());
        double max = Double.parseDouble(s.max());
        if (rounded < min || rounded > max) {
          throw new IllegalArgumentException(s.name() + " = '" + value + "' is outside its range " + s.min() + " .. "
              + s.max() + unitText(s));
        }
        return integer ? Long.toString((long) rounded) : stripZeros(rounded);
      }
      default -> {
        return v;
      }
    }
  }

  /** Whether a live {@code pg_settings.setting} equals the normalized value. */
  static boolean live(Setting s, String normalized) {
    if (s == null || s.setting() == null) {
      return false;
    }
    return switch (s.vartype()) {
      case "integer", "real" -> Math.abs(Double.parseDouble(s.setting()) - Double.parseDouble(normalized))
          <= 1e-9 * Math.max(1, Math.abs(Double.parseDouble(normalized)));
      case "string" -> s.setting().equals(normalized);
      default -> s.setting().equalsIgnoreCase(normalized);
    };
  }

  /** The value in the parameter's own unit ({@code 8kB} pages, {@code ms}, ...). */
  private static double inUnit(Setting s, String v, String original) {
    Matcher m = NUMBER.matcher(v);
    if (!m.matches()) {
      throw new IllegalArgumentException(s.name() + " is a number" + unitText(s) + ", not '" + original + "'");
    }
    double n = Double.parseDouble(m.group(1));
    String unit = m.group(2);
    if (unit.isEmpty()) {
      return n;
    }
    Map<String, Double> family = family(s.unit());
    if (family == null || !family.containsKey(unit)) {
      throw new IllegalArgumentException(s.name() + " = '" + original + "': unit " + unit + " is not valid for it"
          + (family == null ? " (it takes no unit)" : "; valid units: " + String.join(", ", family.keySet().stream()
          .sorted().toList())));
    }
    return n * family.get(unit) / base(s.unit(), family);
  }

  private static Map<String, Double> family(String settingUnit) {
    if (settingUnit == null || settingUnit.isBlank()) {
      return null;
    }
    String bare = settingUnit.replaceFirst("^[0-9]+", "");
    return MEMORY.containsKey(bare) ? MEMORY : TIME.containsKey(bare) ? TIME : null;
  }

  /** {@code 8kB} → 8192 bytes. */
  private static double base(String settingUnit, Map<String, Double> family) {
    String digits = settingUnit.replaceFirst("[^0-9].*$", "");
    double times = digits.isEmpty() ? 1 : Double.parseDouble(digits);
    return times * family.get(settingUnit.substring(digits.length()));
  }

  private static String unitText(Setting s) {
    return s.unit() == null || s.unit().isBlank() ? "" : " (unit " + s.unit() + ")";
  }

  private static String stripZeros(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }
}
