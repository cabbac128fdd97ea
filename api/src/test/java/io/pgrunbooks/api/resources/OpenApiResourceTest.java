package io.pgrunbooks.api.resources;

import static org.assertj.core.api.Assertions.assertThat;

import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import org.junit.jupiter.api.Test;

/** The kept OpenAPI document read as client generators read it (swagger-parser): OpenAPI 3.1 without complaints. */
class OpenApiResourceTest {
  @Test
  void theDocumentParsesAsOpenApi31WithEveryReferenceResolvedAndNoMessages() {
    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    SwaggerParseResult result = new OpenAPIV3Parser().readContents(OpenApiResource.load().toString(), null, options);
    assertThat(result.getMessages()).as("parser messages").isEmpty();
    assertThat(result.getOpenAPI().getOpenapi()).isEqualTo("3.1.0");
    assertThat(result.getOpenAPI().getPaths()).containsKeys("/v1/runs", "/v1/approvals", "/v1/openapi.json");
    assertThat(result.getOpenAPI().getComponents().getSecuritySchemes()).containsOnlyKeys("basic", "bearer");

    // The check is not vacuous: a document with a misplaced field gets messages.
    com.fasterxml.jackson.databind.node.ObjectNode broken =
        (com.fasterxml.jackson.databind.node.ObjectNode) OpenApiResource.load().deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) broken.at("/paths/~1v1~1me/get")).put("responsez", "oops");
    assertThat(new OpenAPIV3Parser().readContents(broken.toString(), null, options).getMessages()).isNotEmpty();
  }
}
