package io.pgrunbooks.api.paging;

import io.pgrunbooks.client.InputProblem;
import java.util.List;

/**
 * A list request whose {@code limit} or {@code cursor} cannot be used: 400 (not 422: the filters may be
 * fine, the paging is what is malformed), in the API's error shape naming the parameter.
 */
public final class BadPageRequest extends RuntimeException {
  private final transient InputProblem.Field field;

  public BadPageRequest(String field, String problem) {
    super(problem);
    this.field = new InputProblem.Field(field, problem);
  }

  public List<InputProblem.Field> fields() {
    return List.of(field);
  }
}
