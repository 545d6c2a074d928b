package dev.portcullis.identity;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The decoded, still <em>unverified</em> header and claims of a JWS in compact serialization.
 *
 * <p>Parsing is the first thing done with an untrusted token, before any crypto: size limit, three base64url
 * parts, JSON objects. Nothing from the token text ever reaches an exception message.
 */
record CompactJwt(JsonObject header, JsonObject claims) {

  static CompactJwt parse(String token, int maxChars) {
    if (token == null || token.isEmpty()) {
      throw new TokenRejectedException("malformed token");
    }
    if (token.length() > maxChars) {
      throw new TokenRejectedException("token too large");
    }
    int first = token.indexOf('.');
    int second = first < 0 ? -1 : token.indexOf('.', first + 1);
    if (first <= 0 || second < 0 || second == first + 1 || token.indexOf('.', second + 1) >= 0) {
      throw new TokenRejectedException("malformed token");
    }
    // The signature part may be empty here ("alg":"none" tokens); the algorithm policy names that case.
    if (!isBase64Url(token, 0, first) || !isBase64Url(token, first + 1, second)
        || !isBase64Url(token, second + 1, token.length())) {
      throw new TokenRejectedException("malformed token");
    }
    return new CompactJwt(jsonObject(token.substring(0, first)), jsonObject(token.substring(first + 1, second)));
  }

  private static boolean isBase64Url(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
      if (!ok) {
        return false;
      }
    }
    // A base64 group of 4k+1 characters cannot encode whole bytes.
    return (to - from) % 4 != 1;
  }

  private static JsonObject jsonObject(String part) {
    try {
      String json = new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8);
      return new JsonObject(json);
    } catch (RuntimeException e) {
      // DecodeException messages quote the input: never pass them on.
      throw new TokenRejectedException("malformed token");
    }
  }
}
