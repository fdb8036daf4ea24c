package dev.cgroupns.sandbox.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What the endpoint serves right now: the built-in kinds plus every resource of the CRDs currently
 * stored, read afresh on each question so that {@code kubectl apply -f crds/} and {@code kubectl
 * delete crd ...} are reflected immediately, as on a real API server.
 */
public final class ApiCatalog {

  private final List<ApiResource> builtIns;
  private final Supplier<List<JsonNode>> storedCrds;

  public ApiCatalog(List<ApiResource> builtIns, Supplier<List<JsonNode>> storedCrds) {
    this.builtIns = List.copyOf(builtIns);
    this.storedCrds = storedCrds;
  }

  public List<ApiResource> resources() {
    List<ApiResource> all = new ArrayList<>(builtIns);
    for (JsonNode crd : storedCrds.get()) {
      all.addAll(CrdResources.fromCrd(crd));
    }
    return all;
  }

  /** Named groups (not the core group) with their versions, in first-seen order. */
  public Map<String, Set<String>> groups() {
    Map<String, Set<String>> groups = new LinkedHashMap<>();
    for (ApiResource r : resources()) {
      if (!r.group().isEmpty()) {
        groups.computeIfAbsent(r.group(), g -> new LinkedHashSet<>()).add(r.version());
      }
    }
    return groups;
  }

  public List<ApiResource> resources(String group, String version) {
    return resources().stream()
        .filter(r -> r.group().equals(group) && r.version().equals(version))
        .toList();
  }

  public Optional<ApiResource> find(String group, String version, String plural) {
    return resources(group, version).stream().filter(r -> r.plural().equals(plural)).findFirst();
  }
}
