package io.pgrunbooks.client;

import java.util.List;

/**
 * A run's input refused before anything is started: each problem names the field it is about
 * (null for the input as a whole), so the CLI can print them and the API can answer 422.
 */
public final class InputProblem extends RuntimeException {
  /** One bad field and what is wrong with it. */
  public record Field(String field, String problem) {}

  private final transient List<Field> fields;

  public InputProblem(List<Field> fields) {
    super(String.join("; ", fields.stream().map(f -> f.problem()).toList()));
    this.fields = List.copyOf(fields);
  }

  public static InputProblem of(String field, String problem) {
    return new InputProblem(List.of(new Field(field, problem)));
  }

  public List<Field> fields() {
    return fields;
  }
}
