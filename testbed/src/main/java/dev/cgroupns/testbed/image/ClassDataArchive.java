package dev.cgroupns.testbed.image;

import dev.cgroupns.testbed.runc.CommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A class-data sharing archive of a program's classes, for its image: dumped at build time by the
 * image's own runtime, from a list of the classes a real run of the program loaded, with the class
 * path the image's entrypoint gives.
 *
 * <p>The JVM maps such an archive only if the class path matches the one it was dumped with: the
 * same entries, spelled the same, and jars of the same size and modification time. So the jars are
 * staged in a directory laid out as the image's working directory, with the modification time the
 * image builder gives every file, and the class path is relative: the archive then maps in the
 * image, where that directory is {@code /app}. Classes in the archive are mapped from the file
 * instead of parsed into each process's metaspace.
 *
 * <p>Run by the node agent's {@code images} Maven profile: {@code ClassDataArchive <java home>
 * <class list> <archive> <class path in the image> <the build's jars> <main class> <args...>}. It
 * then runs the main class with the args under {@code -Xshare:on}, which fails if the archive does
 * not map, and checks that the main class came from the archive.
 */
public final class ClassDataArchive {

  /** Jib's modification time of every file in an image layer (its default, one second). */
  static final FileTime IMAGE_FILE_TIME = FileTime.fromMillis(1000);

  /** An entry of the image's class path: relative, downward only, ending in a jar. */
  private static final Pattern ENTRY =
      Pattern.compile("(?:[A-Za-z0-9._-]+/)*[A-Za-z0-9._-]+\\.jar");

  /** What -Xshare:dump prints for each listed class it cannot find. */
  private static final Pattern NOT_FOUND = Pattern.compile("Preload Warning: Cannot find (\\S+)");

  /** The file in the staged directory that holds the class path the archive was dumped with. */
  public static final String CLASS_PATH_FILE = "class-path";

  /** A list is stale when more than one of this many of its classes are not found. */
  static final int STALE_SHARE = 20;

  private ClassDataArchive() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 6) {
      throw new IllegalArgumentException(
          "usage: ClassDataArchive <java home> <class list> <archive> <class path in the image>"
              + " <the build's jars> <main class> [args...]");
    }
    long started = System.nanoTime();
    Path javaHome = Path.of(args[0]);
    Path classList = Path.of(args[1]).toAbsolutePath();
    Path archive = Path.of(args[2]).toAbsolutePath();
    String classPath = args[3];
    Map<String, Path> jars = sources(entries(classPath), List.of(args[4].split(":")));
    Path stage = stageOf(archive);
    stage(stage, jars);
    // For programs that run the agent as the image does, from the staged copy (AgentMemoryBench).
    Files.writeString(stage.resolve(CLASS_PATH_FILE), classPath);
    String java = javaHome.resolve("bin/java").toString();
    List<String> notFound = dump(java, stage, classList, archive, classPath);
    long listed = listedClasses(classList);
    refuseStale(classList, listed, notFound);
    String mainClass = args[5];
    checkMaps(java, stage, archive, classPath, mainClass, List.of(args).subList(6, args.length));
    System.out.printf(
        "class-data archive: %s, %d MiB, %d of %d listed classes (%d not on the class path%s),"
            + " %s loads from it; made in %.1f s%n",
        archive,
        Files.size(archive) >> 20,
        listed - notFound.size(),
        listed,
        notFound.size(),
        notFound.isEmpty()
            ? ""
            : ", such as " + String.join(", ", notFound.subList(0, Math.min(5, notFound.size()))),
        mainClass,
        (System.nanoTime() - started) / 1e9);
  }

  /**
   * Where the jars are staged for {@code archive}, laid out as the image's working directory, with
   * the {@link #CLASS_PATH_FILE}: beside the archive's directory, not in it, since that directory
   * goes into the image as it is.
   */
  public static Path stageOf(Path archive) {
    Path dir = archive.toAbsolutePath().getParent();
    return dir.resolveSibling(dir.getFileName() + ".stage");
  }

  /** Dumps the archive in {@code stage}; returns the listed classes the dump did not find. */
  private static List<String> dump(
      String java, Path stage, Path classList, Path archive, String classPath) throws IOException {
    Files.createDirectories(archive.getParent());
    Files.deleteIfExists(archive);
    String out =
        CommandRunner.runIn(
            stage,
            List.of(
                java,
                "-Xshare:dump",
                "-XX:SharedClassListFile=" + classList,
                "-XX:SharedArchiveFile=" + archive,
                "-cp",
                classPath),
            300);
    return NOT_FOUND.matcher(out).results().map(m -> m.group(1)).toList();
  }

  /**
   * Dynamic proxies are always among the classes not found (they are made at run time); many more
   * mean renamed or removed code, and an archive that leaves much of the program to be parsed.
   */
  private static void refuseStale(Path classList, long listed, List<String> notFound) {
    if (notFound.size() > listed / STALE_SHARE) {
      throw new IllegalStateException(
          notFound.size()
              + " of the "
              + listed
              + " classes in "
              + classList
              + " are not on the class path (more than 1 in "
              + STALE_SHARE
              + "), such as "
              + notFound.subList(0, Math.min(10, notFound.size()))
              + ": the list is stale; write it again from a real run of the program");
    }
  }

  /**
   * Runs the main class from the stage under -Xshare:on, which exits if the archive does not map,
   * and checks that the main class itself came from it.
   */
  private static void checkMaps(
      String java,
      Path stage,
      Path archive,
      String classPath,
      String mainClass,
      List<String> mainArgs)
      throws IOException {
    Path log = stage.resolve("verify-class-load.log");
    List<String> command =
        new ArrayList<>(
            List.of(
                java,
                "-Xshare:on",
                "-XX:SharedArchiveFile=" + archive,
                "-Xlog:class+load=info:file=" + log,
                "-cp",
                classPath,
                mainClass));
    command.addAll(mainArgs);
    CommandRunner.runIn(stage, command, 120);
    if (!loadedFromArchive(Files.readString(log), mainClass)) {
      throw new IllegalStateException(
          mainClass + " did not load from " + archive + " under -Xshare:on: see " + log);
    }
  }

  /** The entries of a class path as the image spells it, each checked to stay below its root. */
  static List<String> entries(String classPath) {
    List<String> entries = new ArrayList<>();
    for (String entry : classPath.split(":", -1)) {
      if (!ENTRY.matcher(entry).matches() || List.of(entry.split("/")).contains("..")) {
        throw new IllegalArgumentException(
            "class path entry '"
                + entry
                + "' is not a relative path of a jar below the image's"
                + " working directory");
      }
      entries.add(entry);
    }
    return entries;
  }

  /**
   * Each entry paired with the build's jar of the same file name; every entry needs exactly one,
   * since the archive is only valid with the very files the image holds.
   */
  static Map<String, Path> sources(List<String> entries, List<String> buildJars) {
    Map<String, Path> byName = new LinkedHashMap<>();
    for (String jar : buildJars) {
      Path path = Path.of(jar);
      Path clash = byName.put(path.getFileName().toString(), path);
      if (clash != null && !clash.equals(path)) {
        throw new IllegalArgumentException(
            "two jars of the build are named " + path.getFileName() + ": " + clash + ", " + path);
      }
    }
    Map<String, Path> sources = new LinkedHashMap<>();
    for (String entry : entries) {
      String name = Path.of(entry).getFileName().toString();
      Path source = byName.get(name);
      if (source == null) {
        throw new IllegalArgumentException(
            "class path entry " + entry + " has no jar of that name in the build: " + buildJars);
      }
      if (sources.put(entry, source) != null) {
        throw new IllegalArgumentException("class path entry " + entry + " is listed twice");
      }
    }
    return sources;
  }

  /** Copies each jar to its entry below {@code stage}, with the image's modification time. */
  static void stage(Path stage, Map<String, Path> jars) throws IOException {
    CommandRunner.run(List.of("rm", "-rf", "--one-file-system", stage.toString()));
    for (Map.Entry<String, Path> jar : jars.entrySet()) {
      Path target = stage.resolve(jar.getKey());
      Files.createDirectories(target.getParent());
      Files.copy(jar.getValue(), target);
      Files.setLastModifiedTime(target, IMAGE_FILE_TIME);
    }
  }

  /** The classes a class list names: its lines that are neither comments nor directives. */
  static long listedClasses(Path classList) throws IOException {
    try (var lines = Files.lines(classList)) {
      return lines.filter(l -> !l.isBlank() && !l.startsWith("#") && !l.startsWith("@")).count();
    }
  }

  /** Whether a -Xlog:class+load log shows {@code className} loaded from the shared archive. */
  static boolean loadedFromArchive(String classLoadLog, String className) {
    return classLoadLog
        .lines()
        .anyMatch(l -> l.contains(" " + className + " source: shared objects file"));
  }
}
