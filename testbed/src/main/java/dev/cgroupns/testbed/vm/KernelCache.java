package dev.cgroupns.testbed.vm;

import dev.cgroupns.testbed.runc.CommandRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Debian's kernel for the VM, taken from its package and never installed on the host: {@code
 * apt-get download} the package that {@code linux-image-amd64} depends on, {@code dpkg-deb -x} it
 * into a temporary directory, keep only vmlinuz and the modules the initramfs loads, and cache them
 * under {@code ~/.cache/cgroupns/vm/<package>/}. The cache entry appears by one rename once
 * complete, so a half-done download is never taken for a kernel.
 */
public final class KernelCache {

  /** The package used when apt cannot say what linux-image-amd64 depends on. */
  public static final String DEFAULT_PACKAGE = "linux-image-6.1.0-57-amd64";

  /**
   * What the initramfs loads, in insmod order (the package has no modules.dep): virtio and 9p for
   * the shares of the host's files, overlay for a writable layer over them.
   */
  public static final List<String> MODULES =
      List.of(
          "virtio_ring",
          "virtio",
          "virtio_pci_modern_dev",
          "virtio_pci_legacy_dev",
          "virtio_pci",
          "netfs",
          "fscache",
          "9pnet",
          "9pnet_virtio",
          "9p",
          "overlay");

  private static final Pattern DEPENDS = Pattern.compile("Depends:\\s*(linux-image-[0-9][^\\s]*)");
  private static final Pattern PACKAGE = Pattern.compile("linux-image-[0-9][A-Za-z0-9.+-]*");

  private final Path root;

  /**
   * @param root the cache directory, e.g. {@link #defaultRoot()}
   */
  public KernelCache(Path root) {
    this.root = root;
  }

  public static Path defaultRoot() {
    return Path.of(System.getProperty("user.home"), ".cache", "cgroupns", "vm");
  }

  /** A kernel: its image, and its modules by name (without ".ko"). */
  public record Kernel(String packageName, Path vmlinuz, Path moduleDir) {
    public Path module(String name) {
      return moduleDir.resolve(name + ".ko");
    }
  }

  /** The cached kernel of {@code packageName}, if it is complete. */
  public Optional<Kernel> cached(String packageName) {
    Path dir = root.resolve(requirePackage(packageName));
    Kernel kernel = new Kernel(packageName, dir.resolve("vmlinuz"), dir.resolve("modules"));
    boolean complete =
        Files.isRegularFile(kernel.vmlinuz())
            && MODULES.stream().allMatch(m -> Files.isRegularFile(kernel.module(m)));
    return complete ? Optional.of(kernel) : Optional.empty();
  }

  /** The kernel {@code linux-image-amd64} depends on, downloaded first if not cached. */
  public Kernel kernel() {
    String packageName = cachedPackageNames().stream().findFirst().orElseGet(KernelCache::current);
    return cached(packageName).orElseGet(() -> download(packageName));
  }

  /**
   * The package linux-image-amd64 depends on, from {@code apt-cache depends}; the default when apt
   * cannot tell (no package lists).
   */
  static String current() {
    try {
      return dependency(CommandRunner.run(List.of("apt-cache", "depends", "linux-image-amd64"), 60))
          .orElse(DEFAULT_PACKAGE);
    } catch (RuntimeException e) {
      return DEFAULT_PACKAGE;
    }
  }

  /** The first linux-image-VERSION dependency in {@code apt-cache depends} output. */
  static Optional<String> dependency(String aptCacheDepends) {
    Matcher m = DEPENDS.matcher(aptCacheDepends);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /**
   * Downloads and unpacks {@code packageName} into the cache.
   *
   * @throws IllegalStateException when apt-get or dpkg-deb fail, or the package lacks a file
   */
  public Kernel download(String packageName) {
    requirePackage(packageName);
    Path staging = null;
    try {
      Files.createDirectories(root);
      staging = Files.createTempDirectory(root, ".download-");
      CommandRunner.runIn(staging, List.of("apt-get", "download", "-q", packageName), 600);
      Path deb;
      try (Stream<Path> files = Files.list(staging)) {
        deb =
            files
                .filter(p -> p.getFileName().toString().endsWith(".deb"))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("apt-get downloaded no .deb"));
      }
      Path unpacked = staging.resolve("unpacked");
      CommandRunner.run(List.of("dpkg-deb", "-x", deb.toString(), unpacked.toString()), 600);
      Path entry = staging.resolve("entry");
      Files.createDirectories(entry.resolve("modules"));
      String release = packageName.substring("linux-image-".length());
      copy(unpacked.resolve("boot/vmlinuz-" + release), entry.resolve("vmlinuz"));
      Path moduleTree = unpacked.resolve("lib/modules/" + release);
      for (String module : MODULES) {
        copy(findModule(moduleTree, module), entry.resolve("modules/" + module + ".ko"));
      }
      Path target = root.resolve(packageName);
      try {
        Files.move(entry, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
        // Another run cached it meanwhile (or a stale incomplete entry is in the way).
        if (cached(packageName).isEmpty()) {
          throw new IllegalStateException("incomplete kernel cache entry in the way: " + target);
        }
      } catch (IOException e) {
        if (cached(packageName).isEmpty()) {
          throw e;
        }
      }
      return cached(packageName)
          .orElseThrow(() -> new IllegalStateException("kernel cache entry incomplete: " + target));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (staging != null) {
        deleteTree(staging);
      }
    }
  }

  private List<String> cachedPackageNames() {
    // A cached kernel is used without asking apt: the VM tests then need no package lists.
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(root)) {
      return entries
          .map(p -> p.getFileName().toString())
          .filter(n -> PACKAGE.matcher(n).matches())
          .filter(n -> cached(n).isPresent())
          .sorted(Comparator.reverseOrder())
          .toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  private static Path findModule(Path moduleTree, String module) throws IOException {
    String fileName = module + ".ko";
    try (Stream<Path> files = Files.walk(moduleTree)) {
      return files
          .filter(p -> p.getFileName().toString().equals(fileName))
          .findFirst()
          .orElseThrow(
              () ->
                  new IllegalStateException(
                      "the kernel package has no " + fileName + " (is it compressed?)"));
    }
  }

  private static void copy(Path from, Path to) throws IOException {
    if (!Files.isRegularFile(from)) {
      throw new IllegalStateException("the kernel package has no " + from);
    }
    Files.copy(from, to);
  }

  private static String requirePackage(String packageName) {
    if (!PACKAGE.matcher(packageName).matches()) {
      throw new IllegalArgumentException("not a kernel package name: " + packageName);
    }
    return packageName;
  }

  static void deleteTree(Path dir) {
    List<Path> paths = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.forEach(paths::add);
    } catch (IOException e) {
      return;
    }
    paths.sort(Comparator.reverseOrder());
    for (Path p : paths) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException ignored) {
        // best effort: what remains is reported by the caller's own checks
      }
    }
  }
}
