package io.pgrunbooks.api.resources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /api/v1/openapi.json}: the OpenAPI 3.1 document of this API (kept in {@code openapi.yaml}
 * beside the classes; a test checks it against the registered resources and real answers). Served without
 * a login: it describes the endpoints and holds no data, and client generators fetch it before they have
 * credentials.
 */
@Path("/v1/openapi.json")
@Produces(MediaType.APPLICATION_JSON)
public final class OpenApiResource {
  /** The classpath resource the document is kept in. */
  public static final String DOCUMENT = "/io/pgrunbooks/api/openapi.yaml";

  private final JsonNode document = load();

  /** The document as JSON. */
  public static JsonNode load() {
    try (InputStream in = OpenApiResource.class.getResourceAsStream(DOCUMENT)) {
      if (in == null) {
        throw new IllegalStateException("the OpenAPI document " + DOCUMENT + " is missing from the API's jar");
      }
      return new ObjectMapper(new YAMLFactory()).readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException("the OpenAPI document " + DOCUMENT + " does not parse: " + e.getMessage(), e);
    }
  }

  @GET
  public JsonNode document() {
    return document;
  }
}
