package dev.cgroupns.sandbox.apiserver;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A Kubernetes API request path taken apart: /api/v1/namespaces/NS/PLURAL/NAME/SUB and
 * /apis/GROUP/VERSION/..., with its decoded query parameters.
 *
 * @param segments the path's segments without the query
 * @param group API group ("" for the core group), null for paths outside /api and /apis
 * @param version API version, null when absent
 * @param namespace namespace, null when absent
 * @param plural resource name, null when absent
 * @param name object name, null when absent
 * @param subresource subresource name, null when absent
 * @param query decoded query parameters (last value wins)
 */
public record RequestPath(
    List<String> segments,
    String group,
    String version,
    String namespace,
    String plural,
    String name,
    String subresource,
    Map<String, String> query) {

  public static RequestPath parse(String raw) {
    int q = raw.indexOf('?');
    String path = q < 0 ? raw : raw.substring(0, q);
    Map<String, String> query = new LinkedHashMap<>();
    if (q >= 0) {
      for (String pair : raw.substring(q + 1).split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String key = decode(eq < 0 ? pair : pair.substring(0, eq));
        query.put(key, eq < 0 ? "" : decode(pair.substring(eq + 1)));
      }
    }
    List<String> segments =
        Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).collect(Collectors.toList());
    String group = null;
    String version = null;
    int rest;
    if (!segments.isEmpty() && segments.get(0).equals("api")) {
      group = "";
      version = segments.size() > 1 ? segments.get(1) : null;
      rest = 2;
    } else if (!segments.isEmpty() && segments.get(0).equals("apis")) {
      group = segments.size() > 1 ? segments.get(1) : null;
      version = segments.size() > 2 ? segments.get(2) : null;
      rest = 3;
    } else {
      return new RequestPath(List.copyOf(segments), null, null, null, null, null, null, query);
    }
    List<String> tail =
        rest < segments.size() ? segments.subList(rest, segments.size()) : List.of();
    String namespace = null;
    if (tail.size() >= 3 && tail.get(0).equals("namespaces")) {
      namespace = tail.get(1);
      tail = tail.subList(2, tail.size());
    }
    return new RequestPath(
        List.copyOf(segments),
        group,
        version,
        namespace,
        tail.size() > 0 ? tail.get(0) : null,
        tail.size() > 1 ? tail.get(1) : null,
        tail.size() > 2 ? tail.get(2) : null,
        query);
  }

  /** True for a path naming resources (a collection or an object), not a discovery document. */
  public boolean isResource() {
    return group != null && version != null && plural != null;
  }

  public boolean isWatch() {
    return "true".equals(query.get("watch")) || "1".equals(query.get("watch"));
  }

  /** The raw path with one query parameter removed (other parameters re-encoded as they were). */
  public static String withoutQueryParameter(String raw, String parameter) {
    int q = raw.indexOf('?');
    if (q < 0) {
      return raw;
    }
    String kept =
        Arrays.stream(raw.substring(q + 1).split("&"))
            .filter(p -> !p.isEmpty())
            .filter(p -> !decode(p.split("=", 2)[0]).equals(parameter))
            .collect(Collectors.joining("&"));
    return kept.isEmpty() ? raw.substring(0, q) : raw.substring(0, q) + "?" + kept;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}
