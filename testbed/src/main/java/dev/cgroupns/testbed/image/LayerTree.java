package dev.cgroupns.testbed.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The files of one image layer, by their absolute path in the image, written in path order so the
 * layer is the same bytes for the same inputs. Parent directories are added as they are needed
 * (mode 755); a path given twice is an error, not a silent overwrite.
 */
public final class LayerTree {

  /** What one path in the layer is. */
  sealed interface Entry {}

  record Directory(int mode) implements Entry {}

  record HostFile(Path source, int mode) implements Entry {}

  record Content(byte[] bytes, int mode) implements Entry {}

  record Symlink(String target) implements Entry {}

  private final Map<String, Entry> entries = new TreeMap<>();

  /** A directory with an explicit mode (e.g. 01777 for /tmp). */
  public LayerTree directory(String path, int mode) {
    return put(path, new Directory(mode));
  }

  /** A copy of the host file {@code source} (links followed), executable or not as it is. */
  public LayerTree file(String path, Path source) {
    return put(path, new HostFile(source, Files.isExecutable(source) ? 0755 : 0644));
  }

  /** A file with the given content. */
  public LayerTree content(String path, String text, int mode) {
    return put(path, new Content(text.getBytes(java.nio.charset.StandardCharsets.UTF_8), mode));
  }

  /**
   * Everything below the host directory {@code source}, at {@code path}: directories, files (mode
   * 755 or 644 after the owner's execute bit) and symbolic links kept as links.
   */
  public LayerTree tree(String path, Path source) throws IOException {
    directory(path, 0755);
    try (Stream<Path> walk = Files.walk(source)) {
      for (Path p : walk.sorted().toList()) {
        if (p.equals(source)) {
          continue;
        }
        String target = path + "/" + source.relativize(p).toString();
        if (Files.isSymbolicLink(p)) {
          put(target, new Symlink(Files.readSymbolicLink(p).toString()));
        } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          directory(target, 0755);
        } else {
          boolean exec =
              Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS)
                  .contains(PosixFilePermission.OWNER_EXECUTE);
          put(target, new HostFile(p, exec ? 0755 : 0644));
        }
      }
    }
    return this;
  }

  /** The paths, in the order they are written. */
  public List<String> paths() {
    return List.copyOf(entries.keySet());
  }

  /** Writes the layer as a tar (names relative to the root, as image layers have them). */
  public void writeTo(TarWriter tar) throws IOException {
    for (Map.Entry<String, Entry> e : entries.entrySet()) {
      String name = e.getKey().substring(1);
      Entry entry = e.getValue();
      if (entry instanceof Directory d) {
        tar.directory(name, d.mode());
      } else if (entry instanceof HostFile f) {
        tar.file(name, f.mode(), f.source());
      } else if (entry instanceof Content c) {
        tar.file(name, c.mode(), c.bytes());
      } else if (entry instanceof Symlink s) {
        tar.symlink(name, s.target());
      }
    }
  }

  private LayerTree put(String path, Entry entry) {
    if (!path.matches("(/[A-Za-z0-9_.+@-]+)+") || path.contains("/../") || path.endsWith("/..")) {
      throw new IllegalArgumentException("not a plain absolute path: " + path);
    }
    int slash = path.lastIndexOf('/');
    if (slash > 0) {
      String parent = path.substring(0, slash);
      Entry existing = entries.get(parent);
      if (existing == null) {
        put(parent, new Directory(0755));
      } else if (!(existing instanceof Directory)) {
        throw new IllegalArgumentException(parent + " is in the layer, and not as a directory");
      }
    }
    Entry before = entries.put(path, entry);
    // A directory named again (a parent first, then with its own mode) takes the later mode.
    if (before != null && !(before instanceof Directory && entry instanceof Directory)) {
      throw new IllegalArgumentException(path + " is in the layer twice");
    }
    return this;
  }
}
