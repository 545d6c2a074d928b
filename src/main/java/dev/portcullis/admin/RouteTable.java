package dev.portcullis.admin;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The admin listener's routes: method and path pattern to handler. An unknown path is 404; a known path with
 * another method is 405 with {@code Allow}. Small on purpose: four routes do not justify a web framework.
 */
final class RouteTable {
  @FunctionalInterface
  interface Handler {
    Future<AdminResponse> handle(AdminRequest request);
  }

  private record Route(String method, Pattern path, boolean readsBody, Handler handler) {}

  /** The route a request goes to, with the path pattern's groups; or the refusal when there is none. */
  record Match(Handler handler, List<String> pathParams, boolean readsBody, ErrorReply refusal) {}

  private final List<Route> routes = new ArrayList<>();

  /** A route whose request has no body worth reading (a body is refused). */
  RouteTable get(String path, Handler handler) {
    routes.add(new Route("GET", Pattern.compile(path), false, handler));
    return this;
  }

  RouteTable post(String path, Handler handler) {
    routes.add(new Route("POST", Pattern.compile(path), true, handler));
    return this;
  }

  Match match(String method, String path) {
    Set<String> allowed = new TreeSet<>();
    for (Route r : routes) {
      Matcher m = r.path.matcher(path);
      if (!m.matches()) {
        continue;
      }
      if (!r.method.equals(method)) {
        allowed.add(r.method);
        continue;
      }
      List<String> params = new ArrayList<>(m.groupCount());
      for (int i = 1; i <= m.groupCount(); i++) {
        params.add(m.group(i));
      }
      return new Match(r.handler, params, r.readsBody, null);
    }
    if (allowed.isEmpty()) {
      return new Match(null, List.of(), false, new ErrorReply(404, "no such endpoint"));
    }
    return new Match(null, List.of(), false, new ErrorReply(405, "method not allowed",
        java.util.Map.of("Allow", String.join(", ", allowed))));
  }
}
