package dev.cgroupns.testbed.image;

import dev.cgroupns.testbed.runc.CommandRunner;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The host's shared libraries that a set of ELF files loads, as the host's dynamic linker resolves
 * them ({@code ldd}): the C library, the dynamic linker itself, libstdc++ and so on, by the paths
 * the linker finds them at. Copied to the same paths in an image, they are found there the same
 * way, without an {@code ld.so.cache}.
 */
public final class SharedLibraries {

  /**
   * "libz.so.1 => /lib/x86_64-linux-gnu/libz.so.1 (0x...)" or "/lib64/ld-linux-x86-64.so.2 (0x...)"
   */
  private static final Pattern RESOLVED =
      Pattern.compile("^\\s*(?:\\S+ => )?(/\\S+) \\(0x[0-9a-f]+\\)$");

  private static final Pattern NOT_FOUND = Pattern.compile("^\\s*(\\S+) => not found$");

  private SharedLibraries() {}

  /**
   * One file's {@code ldd} output: the absolute paths of the libraries found (the vDSO, which is no
   * file, is skipped) and the names of those not found.
   */
  record Ldd(List<String> found, List<String> notFound) {}

  static Ldd parseLdd(String output) {
    List<String> found = new ArrayList<>();
    List<String> notFound = new ArrayList<>();
    for (String line : output.lines().toList()) {
      Matcher missing = NOT_FOUND.matcher(line);
      Matcher m = RESOLVED.matcher(line);
      if (missing.matches()) {
        notFound.add(missing.group(1));
      } else if (m.matches()) {
        found.add(m.group(1));
      }
    }
    return new Ldd(found, notFound);
  }

  /**
   * The libraries every ELF file below {@code runtime} loads, except those inside {@code runtime}
   * itself (the JDK's own, found through their RPATH or already loaded), as normalized absolute
   * paths. Libraries loaded with dlopen are not among them: ldd cannot see those.
   */
  public static Set<Path> neededBy(Path runtime) throws IOException {
    Set<Path> libraries = new TreeSet<>();
    Path root = runtime.toAbsolutePath().normalize();
    List<Path> elves = elfFiles(root);
    Set<String> own = new TreeSet<>();
    elves.forEach(e -> own.add(e.getFileName().toString()));
    for (Path elf : elves) {
      Ldd ldd = parseLdd(CommandRunner.run(List.of("ldd", elf.toString())));
      for (String lib : ldd.found()) {
        Path p = Path.of(lib).normalize();
        if (!p.startsWith(root)) {
          libraries.add(p);
        }
      }
      for (String name : ldd.notFound()) {
        // The JDK's own libraries need libjvm.so, which the launcher has loaded by then.
        if (!own.contains(name)) {
          throw new IllegalStateException("ldd " + elf + ": " + name + " not found");
        }
      }
    }
    return libraries;
  }

  /** Executables and shared objects below {@code root} (by their ELF magic, links not followed). */
  static List<Path> elfFiles(Path root) throws IOException {
    List<Path> elves = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted().toList()) {
        if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS) && isElf(p)) {
          elves.add(p);
        }
      }
    }
    return elves;
  }

  private static boolean isElf(Path p) throws IOException {
    try (InputStream in = Files.newInputStream(p)) {
      byte[] magic = in.readNBytes(4);
      return magic.length == 4
          && magic[0] == 0x7f
          && magic[1] == 'E'
          && magic[2] == 'L'
          && magic[3] == 'F';
    }
  }
}
