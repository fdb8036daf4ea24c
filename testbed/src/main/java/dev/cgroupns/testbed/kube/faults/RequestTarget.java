package dev.cgroupns.testbed.kube.faults;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * What an API request addresses, in the words of the Status messages a real API server writes:
 * {@code configmaps "c1"}, {@code cgroupisolations.cgroupns.dev "demo"}, the collection alone
 * ({@code configmaps}), or method and path for anything else.
 *
 * @param description the target as a Status message names it
 * @param resourceVersion the request's {@code resourceVersion} parameter, "" when absent
 */
record RequestTarget(String description, String resourceVersion) {

  static RequestTarget of(String method, String requestPath) {
    int q = requestPath.indexOf('?');
    String path = q < 0 ? requestPath : requestPath.substring(0, q);
    String resourceVersion =
        q < 0 ? "" : parameter(requestPath.substring(q + 1), "resourceVersion");
    List<String> segments = Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
    // /api/v1/... is the core group; /apis/GROUP/VERSION/... any other.
    int rest;
    String group;
    if (segments.size() > 2 && segments.get(0).equals("api")) {
      group = "";
      rest = 2;
    } else if (segments.size() > 3 && segments.get(0).equals("apis")) {
      group = segments.get(1);
      rest = 3;
    } else {
      return new RequestTarget(method + " " + path, resourceVersion);
    }
    List<String> tail = segments.subList(rest, segments.size());
    if (tail.size() > 2 && tail.get(0).equals("namespaces")) {
      tail = tail.subList(2, tail.size());
    }
    String resource = group.isEmpty() ? tail.get(0) : tail.get(0) + "." + group;
    String description = tail.size() > 1 ? resource + " \"" + tail.get(1) + "\"" : resource;
    return new RequestTarget(description, resourceVersion);
  }

  /** Whether the request is a watch ({@code ?watch=true}, or {@code 1}), not a get or list. */
  static boolean isWatch(String requestPath) {
    int q = requestPath.indexOf('?');
    String watch = q < 0 ? "" : parameter(requestPath.substring(q + 1), "watch");
    return watch.equals("true") || watch.equals("1");
  }

  private static String parameter(String query, String name) {
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).equals(name)) {
        return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      }
    }
    return "";
  }
}
