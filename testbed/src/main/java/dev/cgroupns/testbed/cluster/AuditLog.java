package dev.cgroupns.testbed.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The API server's own record of every request it answered (its audit log, at the Metadata level):
 * who asked, what, and the status it answered. Tests read it to fail on any 403 that the operator
 * or the agent met, and to count API writes per user, without wrapping the clients.
 */
public final class AuditLog {

  /** The audit policy the API server is started with: every request, without bodies. */
  static final String POLICY =
      """
      apiVersion: audit.k8s.io/v1
      kind: Policy
      omitStages: ["RequestReceived"]
      rules:
        - level: Metadata
      """;

  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path file;

  AuditLog(Path file) {
    this.file = file;
  }

  /** One answered request. */
  public record Entry(
      String user,
      String userAgent,
      String verb,
      String namespace,
      String resource,
      String subresource,
      String name,
      String uri,
      int code) {

    /** Whether it asked to change something. */
    public boolean isWrite() {
      return switch (verb) {
        case "create", "update", "patch", "delete", "deletecollection" -> true;
        default -> false;
      };
    }

    @Override
    public String toString() {
      return code + " " + verb + " " + uri + " by " + user;
    }
  }

  /** Every entry so far, in the order the server wrote them. */
  public List<Entry> entries() {
    return entries(e -> true);
  }

  /** The entries so far that {@code filter} accepts. */
  public List<Entry> entries(Predicate<Entry> filter) {
    return entriesAfter(0, filter);
  }

  /**
   * Where the log ends now, for {@link #entriesAfter}: a test reads only what came after its start,
   * not the whole log of every test before it in the JVM.
   */
  public long end() {
    try {
      return Files.exists(file) ? Files.size(file) : 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The entries written after {@code position} (an {@link #end()}) that {@code filter} accepts. */
  public List<Entry> entriesAfter(long position, Predicate<Entry> filter) {
    List<Entry> entries = new ArrayList<>();
    if (!Files.exists(file)) {
      return entries;
    }
    try (InputStream in = Files.newInputStream(file);
        BufferedReader reader =
            new BufferedReader(
                new InputStreamReader(skipped(in, position), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        Entry entry;
        try {
          entry = parse(JSON.readTree(line));
        } catch (IOException e) {
          // The last line may be half written while the server runs.
          continue;
        }
        if (filter.test(entry)) {
          entries.add(entry);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return entries;
  }

  /** The requests of {@code user} that were answered 403 Forbidden. */
  public List<Entry> forbidden(String user) {
    return entries(e -> e.code() == 403 && e.user().equals(user));
  }

  private static InputStream skipped(InputStream in, long position) throws IOException {
    in.skipNBytes(position);
    return in;
  }

  private static Entry parse(JsonNode event) {
    JsonNode ref = event.path("objectRef");
    return new Entry(
        event.path("user").path("username").asText(""),
        event.path("userAgent").asText(""),
        event.path("verb").asText(""),
        ref.path("namespace").asText(""),
        ref.path("resource").asText(""),
        ref.path("subresource").asText(""),
        ref.path("name").asText(""),
        event.path("requestURI").asText(""),
        event.path("responseStatus").path("code").asInt(0));
  }
}
