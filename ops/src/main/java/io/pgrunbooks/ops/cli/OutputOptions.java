package io.pgrunbooks.ops.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.pgrunbooks.workflows.common.DataConverters;
import picocli.CommandLine.Option;

/**
 * {@code -o table|json|yaml} of every read command (mixed in): the table people read (default), or
 * the same data as JSON or YAML for scripts. {@code --json} is kept as a hidden alias of {@code -o json}.
 */
final class OutputOptions {
  /** The formats, in lower case as typed. */
  enum Format { table, json, yaml }

  private static final ObjectMapper JSON = DataConverters.objectMapper();
  private static final ObjectMapper YAML = YAMLMapper.builder()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .addModule(new JavaTimeModule())
      .addModule(new Jdk8Module())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .build();

  @Option(names = {"-o", "--output"}, paramLabel = "<format>", defaultValue = "table",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Format format = Format.table;

  @Option(names = "--json", hidden = true, description = "Same as -o json.")
  boolean json;

  /** Whether to print data (JSON or YAML) rather than the table. */
  boolean structured() {
    return json || format != Format.table;
  }

  /** {@code value} as pretty JSON or as YAML, whichever was asked for. */
  String render(Object value) {
    try {
      if (!json && format == Format.yaml) {
        return YAML.writeValueAsString(value).stripTrailing();
      }
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot print " + value.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }
  }
}
