package dev.cgroupns.testbed.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;

/**
 * The base image of the operator's and the node agent's images, made offline from this machine's
 * own files: a {@code jlink} runtime of the JDK that runs the build, holding only the modules the
 * two programs use, and the host's shared libraries that runtime loads (glibc, libstdc++, ...),
 * with a minimal {@code /etc}. No registry and no package download is involved, so the build works
 * where no registry can be reached; the price is that the image carries this host's glibc, so it
 * must be built on a glibc Linux host of the image's architecture.
 *
 * <p>Run by the {@code images} Maven profile: {@code JreBaseImage <output.tar> <tag>}.
 */
public final class JreBaseImage {

  /** Where the runtime is in the image ({@code JAVA_HOME}), as in the usual JRE images. */
  static final String JAVA_HOME = "/opt/java/openjdk";

  /**
   * The runtime's modules: what jdeps finds in both programs' class paths, less what only unused
   * code references, plus what is loaded by name and so invisible to it.
   *
   * <ul>
   *   <li>java.base: everything.
   *   <li>java.logging: jnr-ffi, jffi and micrometer log through java.util.logging.
   *   <li>java.management, jdk.management: micrometer's JVM metrics (memory, GC notifications,
   *       process CPU) on the metrics endpoints; jnr-posix reads the pid through it.
   *   <li>jdk.unsupported: sun.misc.Unsafe, used by jffi/jnr-ffi for native memory.
   *   <li>java.net.http: fabric8's JDK HTTP client, found through a ServiceLoader, so jdeps never
   *       sees it.
   *   <li>jdk.httpserver: the health, readiness and metrics endpoints the probes call.
   *   <li>jdk.crypto.ec: the SunEC provider, loaded by name: without it TLS to the API server has
   *       no ECDHE key exchange and no EC certificates.
   * </ul>
   *
   * Left out on purpose: java.desktop and java.sql (only jackson's optional java.beans support,
   * micrometer's unused database and log4j binders, and commons-lang3's circuit breaker refer to
   * them), java.compiler (the operator SDK's annotation processor, a build-time tool), and
   * jdk.jcmd/jdk.attach: the probes are HTTP, the memory figures are read from the container's
   * cgroup, and a privileged agent is better off without tools to attach to processes.
   */
  static final List<String> MODULES =
      List.of(
          "java.base",
          "java.logging",
          "java.management",
          "jdk.management",
          "jdk.unsupported",
          "java.net.http",
          "jdk.httpserver",
          "jdk.crypto.ec");

  /**
   * Libraries ldd does not list but a process may load: libgcc_s is dlopened by glibc to unwind a
   * cancelled thread; libdl, libpthread and librt are empty since glibc 2.34, yet a JNI stub built
   * against an older glibc (as jnr's may be) names them as needed.
   */
  static final List<String> EXTRA_SONAMES =
      List.of("libgcc_s.so.1", "libdl.so.2", "libpthread.so.0", "librt.so.1");

  static final String PASSWD =
      "root:x:0:0:root:/root:/usr/sbin/nologin\n"
          + "nonroot:x:65532:65532:nonroot:/nonexistent:/usr/sbin/nologin\n";
  static final String GROUP = "root:x:0:\nnonroot:x:65532:\n";
  static final String NSSWITCH = "passwd: files\ngroup: files\nshadow: files\nhosts: files dns\n";

  private JreBaseImage() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      throw new IllegalArgumentException("usage: JreBaseImage <output.tar> <tag>");
    }
    long started = System.nanoTime();
    Path out = Path.of(args[0]).toAbsolutePath().normalize();
    String inputs = BaseImageRecipe.inputs(args[1]);
    if (BaseImageRecipe.stillValid(out, inputs).isPresent()) {
      System.out.printf(
          "jre base image: %s (%s), %d MiB, kept: made from the same JDK, code and libraries%n",
          out, args[1], Files.size(out) >> 20);
      return;
    }
    Path runtime = out.getParent().resolve(out.getFileName() + ".runtime");
    jlink(runtime);
    Set<Path> libraries = withExtras(SharedLibraries.neededBy(runtime));
    Files.deleteIfExists(BaseImageRecipe.fileFor(out));
    DockerArchive.write(out, args[1], layer(runtime, libraries), container());
    Files.writeString(BaseImageRecipe.fileFor(out), BaseImageRecipe.of(inputs, libraries));
    System.out.printf(
        "jre base image: %s (%s), %d MiB, runtime %d MiB, %d libraries, built in %.1f s%n",
        out,
        args[1],
        Files.size(out) >> 20,
        sizeOf(runtime) >> 20,
        libraries.size(),
        (System.nanoTime() - started) / 1e9);
  }

  /** The image's one layer: the runtime, the libraries at the paths ldd found them, /etc, /tmp. */
  static LayerTree layer(Path runtime, Set<Path> libraries) throws IOException {
    LayerTree tree = new LayerTree().tree(JAVA_HOME, runtime);
    for (Path lib : libraries) {
      tree.file(lib.toString(), lib);
    }
    return tree.content("/etc/passwd", PASSWD, 0644)
        .content("/etc/group", GROUP, 0644)
        .content("/etc/nsswitch.conf", NSSWITCH, 0644)
        .directory("/root", 0700)
        // The JVM's perf data and jnr's unpacked native stub go here (a volume in the manifests).
        .directory("/tmp", 01777);
  }

  /** The configuration every image built on it inherits (Jib adds the entrypoint and user). */
  static ObjectNode container() {
    ObjectNode config = new ObjectMapper().createObjectNode();
    config
        .putArray("Env")
        .add("PATH=" + JAVA_HOME + "/bin:/usr/sbin:/usr/bin:/sbin:/bin")
        .add("JAVA_HOME=" + JAVA_HOME)
        // glibc's built-in UTF-8 locale (2.35 and later): file names decode as UTF-8.
        .add("LANG=C.UTF-8");
    config.putArray("Cmd").add("java").add("-version");
    return config;
  }

  private static Set<Path> withExtras(Set<Path> libraries) {
    Path libc =
        libraries.stream()
            .filter(p -> p.getFileName().toString().equals("libc.so.6"))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("the runtime loads no libc.so.6"));
    Set<Path> all = new TreeSet<>(libraries);
    for (String soname : EXTRA_SONAMES) {
      Path p = libc.resolveSibling(soname);
      if (!Files.isRegularFile(p)) {
        throw new IllegalStateException("needed library missing on this host: " + p);
      }
      all.add(p);
    }
    return all;
  }

  private static void jlink(Path runtime) throws IOException {
    deleteTree(runtime);
    ToolProvider jlink =
        ToolProvider.findFirst("jlink")
            .orElseThrow(() -> new IllegalStateException("the build's JDK has no jlink"));
    List<String> args =
        List.of(
            "--add-modules",
            String.join(",", MODULES),
            "--no-header-files",
            "--no-man-pages",
            "--strip-debug",
            // Class-data sharing: the DaemonSet's -Xshare:auto maps this archive, which starts
            // the JVM faster and shares the JDK's classes between processes.
            "--generate-cds-archive",
            "--output",
            runtime.toString());
    int code = jlink.run(System.out, System.err, args.toArray(String[]::new));
    if (code != 0) {
      throw new IllegalStateException("jlink " + String.join(" ", args) + " exited " + code);
    }
  }

  private static long sizeOf(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile)
          .mapToLong(
              p -> {
                try {
                  return Files.size(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              })
          .sum();
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
