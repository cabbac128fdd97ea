package io.pgrunbooks.workflows.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgrunbooks.workflows.common.DataConverters;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DataConverterException;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.common.converter.JacksonJsonPayloadConverter;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.lang.reflect.Type;
import java.util.List;

/**
 * The project's JSON payload converter ({@link DataConverters#objectMapper}) that, when a runbook's
 * input does not bind, says why in {@link InputErrors}' sentences instead of Jackson's exception: a run
 * started from the Temporal UI with {@code {"dryrun": true}} fails with
 * {@code unknown input field "dryrun" for ArchivePartition; did you mean "dryRun"? ...}. The worker
 * fails such a run at once ({@link InputRefused} is a {@link DataConverterException}, which the worker
 * lists as a workflow-failing type); its cause is a non-retryable {@code BadInput} application failure.
 */
public final class RunbookInputConverter extends JacksonJsonPayloadConverter {
  private final ObjectMapper mapper;

  private RunbookInputConverter(ObjectMapper mapper) {
    super(mapper);
    this.mapper = mapper;
  }

  /** {@link DataConverters#jackson()} with input errors as sentences: what the worker uses. */
  public static DataConverter jackson() {
    return DefaultDataConverter.newDefaultInstance()
        .withPayloadConverterOverrides(new RunbookInputConverter(DataConverters.objectMapper()));
  }

  @Override
  public <T> T fromData(Payload content, Class<T> valueClass, Type valueType) throws DataConverterException {
    try {
      return super.fromData(content, valueClass, valueType);
    } catch (DataConverterException e) {
      RunbookSpec spec = InputErrors.runbookOfInput(valueClass);
      if (spec == null) {
        throw e;
      }
      throw new InputRefused(explain(spec, content));
    }
  }

  private String explain(RunbookSpec spec, Payload content) {
    JsonNode tree;
    try {
      tree = mapper.readTree(content.getData().toByteArray());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return InputErrors.malformed("the input of " + spec.type(), e);
    } catch (IOException e) {
      return "the input of " + spec.type() + " could not be read: " + e.getMessage();
    }
    List<InputErrors.Problem> problems = InputErrors.bindingProblems(spec, tree);
    if (problems.isEmpty()) {
      return "the input of " + spec.type() + " does not fit its fields: " + tree;
    }
    return String.join("; ", problems.stream().map(InputErrors.Problem::message).toList());
  }

  /** A runbook input that does not bind, said as a sentence; fails the run, never retried. */
  public static final class InputRefused extends DataConverterException {
    InputRefused(String sentence) {
      super(sentence, ApplicationFailure.newNonRetryableFailure(sentence, FailureTypes.BAD_INPUT));
    }
  }
}
