package dev.portcullis.admin;

import io.vertx.core.buffer.Buffer;
import java.util.List;

/**
 * One admin HTTP request as the endpoints see it: no Vert.x request object, so endpoints are plain code.
 *
 * @param pathParams    the route pattern's groups, in order (e.g. the approval id)
 * @param authorization the {@code Authorization} header or {@code null}; never logged
 * @param body          the request body, already bounded by the listener
 */
record AdminRequest(String method, String path, List<String> pathParams, String authorization, Buffer body) {
  AdminRequest {
    pathParams = List.copyOf(pathParams);
  }

  @Override
  public String toString() {
    // The header holds a bearer token: keep it out of any log line or assertion message that prints a request.
    return "AdminRequest[" + method + " " + path + "]";
  }
}
