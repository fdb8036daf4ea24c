package dev.cgroupns.testbed.vm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The crash reports ({@code -XX:ErrorFile}) of a JVM that died in the VM. The launcher's output
 * already carries a report's header; what a failure message lacks is the machine code around the
 * faulting instruction, which tells an emulator fault from a JVM one.
 */
final class JvmCrashReport {

  /** The file name a crashing JVM writes, {@code %p} being its PID. */
  static final String FILE_PATTERN = "jvm-crash-%p.log";

  private static final int MAX_BLOCK_LINES = 12;

  private JvmCrashReport() {}

  /** For each report in {@code dir}: its name, then its "Instructions:" block; "" if none. */
  static String excerpts(Path dir) {
    if (!Files.isDirectory(dir)) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path report :
          files
              .filter(f -> f.getFileName().toString().matches("jvm-crash-[0-9]+\\.log"))
              .sorted()
              .toList()) {
        out.append("\n--- ").append(report.getFileName()).append(" ---\n");
        out.append(instructions(Files.readAllLines(report, StandardCharsets.ISO_8859_1)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** The lines from "Instructions:" to the next blank line, at most {@link #MAX_BLOCK_LINES}. */
  static String instructions(List<String> report) {
    int start = -1;
    for (int i = 0; i < report.size(); i++) {
      if (report.get(i).startsWith("Instructions:")) {
        start = i;
        break;
      }
    }
    if (start < 0) {
      return "(no instructions block in the report)\n";
    }
    StringBuilder block = new StringBuilder();
    for (int i = start; i < report.size() && i < start + MAX_BLOCK_LINES; i++) {
      if (report.get(i).isBlank()) {
        break;
      }
      block.append(report.get(i)).append('\n');
    }
    return block.toString();
  }
}
