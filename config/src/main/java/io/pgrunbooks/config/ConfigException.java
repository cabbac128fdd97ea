package io.pgrunbooks.config;

import java.util.List;

/** A config file that cannot be used; {@link #errors()} lists every problem as {@code path: problem}. */
public class ConfigException extends RuntimeException {
  private final String source;
  private final List<String> errors;

  public ConfigException(String source, List<String> errors) {
    super("invalid config " + source + ":\n  " + String.join("\n  ", errors));
    this.source = source;
    this.errors = List.copyOf(errors);
  }

  public String source() {
    return source;
  }

  public List<String> errors() {
    return errors;
  }
}
