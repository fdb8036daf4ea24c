package dev.cgroupns.agent.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Reads the /proc fixtures under src/test/resources/fixtures. */
public final class Fixtures {
  private Fixtures() {}

  /** E.g. {@code Fixtures.text("hybrid/host-mountinfo.txt")}. */
  public static String text(String relativePath) {
    String resource = "/fixtures/" + relativePath;
    try (InputStream in = Fixtures.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
