package io.pgrunbooks.api.paging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The opaque {@code cursor} of a list endpoint: base64url of {@code {"l": list, "q": filter digest,
 * "p": position}}. The list name and the digest of the filters it was made for travel with it, so a
 * cursor handed to another endpoint or to the same endpoint with other filters is refused in words instead
 * of silently paging through a different listing. The position is the list's own (a Temporal page token,
 * the key of the last item returned, the last report id); clients never read it.
 */
public final class Cursor {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
  private static final String RESTART = "pass the nextCursor of the previous page unchanged, or leave cursor out to "
      + "start at the first page";

  private Cursor() {}

  /** The cursor for {@code position} in {@code list} filtered by {@code filter}. */
  public static String encode(String list, String filter, String position) {
    ObjectNode o = JSON.createObjectNode();
    o.put("l", list);
    o.put("q", digest(filter));
    o.put("p", position);
    return ENCODER.encodeToString(o.toString().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The position a cursor holds, or null for a null or blank cursor (the first page).
   *
   * @throws BadPageRequest when it is not a cursor of this API, of another list or of other filters
   */
  public static String decode(String list, String filter, String cursor) {
    if (cursor == null || cursor.isBlank()) {
      return null;
    }
    JsonNode o;
    try {
      o = JSON.readTree(DECODER.decode(cursor.strip()));
    } catch (IllegalArgumentException | java.io.IOException e) {
      o = null;
    }
    if (o == null || !o.path("l").isTextual() || !o.path("q").isTextual() || !o.path("p").isTextual()) {
      throw new BadPageRequest("cursor", "cursor is not one this API returned; " + RESTART);
    }
    if (!o.path("l").asText().equals(list)) {
      throw new BadPageRequest("cursor", "cursor belongs to the " + o.path("l").asText() + " list, not to " + list
          + "; " + RESTART);
    }
    if (!o.path("q").asText().equals(digest(filter))) {
      throw new BadPageRequest("cursor", "cursor was made for other filters than this request's; keep the filters of "
          + "the first page while paging, or leave cursor out to start again");
    }
    return o.path("p").asText();
  }

  private static String digest(String filter) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(String.valueOf(filter).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
