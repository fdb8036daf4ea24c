package dev.cgroupns.sandbox.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The status a real API server gives a CRD once it serves it (NamesAccepted and Established), so
 * that {@code kubectl wait --for condition=established} and clients that check it do not wait for
 * ever on the embedded endpoint, where a CRD is served the moment it is stored.
 */
public final class CrdStatus {

  private CrdStatus() {}

  public static JsonNode established(ObjectMapper json, JsonNode crd) {
    if (!crd.isObject()) {
      return crd;
    }
    ObjectNode copy = ((ObjectNode) crd).deepCopy();
    ObjectNode status = copy.putObject("status");
    status.set("acceptedNames", crd.path("spec").path("names").deepCopy());
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    ArrayNode conditions = status.putArray("conditions");
    conditions
        .addObject()
        .put("type", "NamesAccepted")
        .put("status", "True")
        .put("reason", "NoConflicts")
        .put("message", "no conflicts found")
        .put("lastTransitionTime", now);
    conditions
        .addObject()
        .put("type", "Established")
        .put("status", "True")
        .put("reason", "InitialNamesAccepted")
        .put("message", "the initial names have been accepted")
        .put("lastTransitionTime", now);
    ArrayNode stored = status.putArray("storedVersions");
    for (JsonNode version : crd.path("spec").path("versions")) {
      if (version.path("storage").asBoolean(false)) {
        stored.add(version.path("name").asText());
      }
    }
    return copy;
  }
}
