package io.pgrunbooks.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import java.io.IOException;
import java.time.Duration;

/** Binds config durations ({@link Durations#parse}); a bare number is refused because its unit would be a guess. */
final class DurationDeserializer extends StdScalarDeserializer<Duration> {
  DurationDeserializer() {
    super(Duration.class);
  }

  @Override
  public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
    if (p.currentToken() != JsonToken.VALUE_STRING) {
      return (Duration) ctxt.handleUnexpectedToken(Duration.class, p);
    }
    String text = p.getText();
    try {
      return Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw ctxt.weirdStringException(text, Duration.class, e.getMessage());
    }
  }
}
