package dev.portcullis.identity;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Reads a list of strings from a claim named by a dotted path ({@code groups}, {@code realm_access.roles}).
 *
 * <p>A claim whose own name contains dots (Auth0's {@code https://example.com/groups}) is found first as a literal
 * top-level name. A missing claim means no groups. A present claim of the wrong type is refused rather than
 * ignored: groups grant access, so a shape we do not understand must not silently become "no groups" on one
 * gateway and something else on another.
 */
final class ClaimPath {
  private final String path;
  private final String[] segments;

  ClaimPath(String path) {
    this.path = Objects.requireNonNull(path, "path");
    if (path.isBlank()) {
      throw new IllegalArgumentException("claim path must not be blank");
    }
    this.segments = path.split("\\.", -1);
  }

  List<String> readStrings(JsonObject claims) {
    Object value = claims.containsKey(path) ? claims.getValue(path) : walk(claims);
    if (value == null) {
      return List.of();
    }
    if (value instanceof String s) {
      return List.of(s);
    }
    if (value instanceof JsonArray array) {
      List<String> out = new ArrayList<>(array.size());
      for (Object item : array) {
        if (!(item instanceof String s)) {
          throw new TokenRejectedException("malformed groups claim");
        }
        out.add(s);
      }
      return out;
    }
    throw new TokenRejectedException("malformed groups claim");
  }

  private Object walk(JsonObject claims) {
    Object current = claims;
    for (String segment : segments) {
      if (!(current instanceof JsonObject object)) {
        return null;
      }
      current = object.getValue(segment);
    }
    return current;
  }

  @Override
  public String toString() {
    return path;
  }
}
