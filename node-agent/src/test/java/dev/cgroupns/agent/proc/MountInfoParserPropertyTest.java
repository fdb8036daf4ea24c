package dev.cgroupns.agent.proc;

import static dev.cgroupns.agent.testing.RandomCases.forAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.cgroupns.agent.testing.RandomCases;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Generated mountinfo: what the kernel could write must parse back exactly; garbage never throws.
 */
class MountInfoParserPropertyTest {
  /** Characters a path may hold, weighted towards the ones the kernel escapes. */
  private static final String PATH_CHARS = "abcxyz019-_.:,()# \t\n\\/";

  @Test
  void escapedFieldsRoundTrip() {
    forAll(
        "escape/unescape round trip",
        500,
        random -> {
          String value =
              RandomCases.string(random, PATH_CHARS + "\u00e9\u4e2d", random.nextInt(60));
          String escaped = MountInfoEscapes.escape(value);
          assertThat(escaped).doesNotContain(" ", "\t", "\n");
          assertThat(MountInfoEscapes.unescape(escaped)).isEqualTo(value);
        });
  }

  @Test
  void renderedEntriesParseBackExactly() {
    forAll(
        "render/parse round trip",
        300,
        random -> {
          List<MountInfoEntry> entries = new ArrayList<>();
          int count = 1 + random.nextInt(20);
          for (int i = 0; i < count; i++) {
            entries.add(randomEntry(random, i));
          }
          StringBuilder text = new StringBuilder();
          entries.forEach(e -> text.append(render(e)).append('\n'));

          MountInfo parsed = MountInfoParser.parse(text.toString());

          assertThat(parsed.rejectedLines()).isEmpty();
          assertThat(parsed.entries()).isEqualTo(entries);
        });
  }

  @Test
  void veryLongPathsParse() {
    forAll(
        "4000-character paths",
        20,
        random -> {
          String root = randomPath(random, 4000);
          String mountPoint = randomPath(random, 4000);
          MountInfoEntry entry =
              new MountInfoEntry(
                  1,
                  0,
                  "0:1",
                  root,
                  mountPoint,
                  List.of("ro"),
                  List.of(),
                  "cgroup",
                  "cgroup",
                  List.of("rw", "memory"));
          MountInfo parsed = MountInfoParser.parse(render(entry));
          assertThat(parsed.entries()).containsExactly(entry);
          assertThat(parsed.entries().get(0).root()).hasSizeGreaterThanOrEqualTo(4000);
        });
  }

  @Test
  void garbageLinesMixedInAreReportedAndValidLinesKept() {
    forAll(
        "garbage mixed in",
        200,
        random -> {
          List<MountInfoEntry> valid = new ArrayList<>();
          StringBuilder text = new StringBuilder();
          int garbage = 0;
          for (int i = 0; i < 30; i++) {
            if (random.nextInt(3) == 0) {
              text.append(garbageLine(random)).append('\n');
              garbage++;
            } else {
              MountInfoEntry e = randomEntry(random, i);
              valid.add(e);
              text.append(render(e)).append('\n');
            }
          }
          MountInfo parsed = MountInfoParser.parse(text.toString());

          assertThat(parsed.entries()).isEqualTo(valid);
          assertThat(parsed.rejectedLines())
              .hasSize(garbage > 10 ? 11 : garbage)
              .allSatisfy(l -> assertThat(l).hasSizeLessThan(400));
        });
  }

  @Test
  void randomBytesNeverThrow() {
    forAll(
        "random bytes",
        300,
        random -> {
          byte[] bytes = new byte[random.nextInt(3000)];
          random.nextBytes(bytes);
          String text = new String(bytes, StandardCharsets.ISO_8859_1);
          assertThatCode(() -> MountInfoParser.parse(text)).doesNotThrowAnyException();
          assertThat(MountInfoParser.parse(text).rejectedLines()).hasSizeLessThanOrEqualTo(11);
        });
  }

  /** Truncating a valid line anywhere gives either a shorter valid entry or a rejected line. */
  @Test
  void truncatedLinesNeverThrow() {
    forAll(
        "truncated lines",
        300,
        random -> {
          String line = render(randomEntry(random, 1));
          String cut = line.substring(0, random.nextInt(line.length()));
          assertThatCode(() -> MountInfoParser.parse(cut)).doesNotThrowAnyException();
        });
  }

  static MountInfoEntry randomEntry(Random random, int id) {
    boolean cgroup = random.nextBoolean();
    List<String> optional = new ArrayList<>();
    if (random.nextBoolean()) {
      optional.add("shared:" + random.nextInt(500));
    }
    if (random.nextBoolean()) {
      optional.add("master:" + random.nextInt(500));
    }
    return new MountInfoEntry(
        id + 20,
        random.nextInt(1000),
        random.nextInt(300) + ":" + random.nextInt(300),
        random.nextInt(5) == 0 ? "/" : randomPath(random, 1 + random.nextInt(200)),
        randomPath(random, 1 + random.nextInt(200)),
        random.nextBoolean() ? List.of("ro", "nosuid") : List.of("rw", "relatime"),
        optional,
        cgroup ? "cgroup" : "tmp fs",
        random.nextBoolean() ? "none" : "src " + random.nextInt(10),
        cgroup ? List.of("rw", "cpu", "cpuacct") : List.of("rw", "size=4k"));
  }

  static String randomPath(Random random, int length) {
    String body = RandomCases.string(random, PATH_CHARS, length);
    return "/" + body.replace("//", "/a");
  }

  static String render(MountInfoEntry e) {
    StringBuilder line = new StringBuilder();
    line.append(e.mountId()).append(' ').append(e.parentId()).append(' ').append(e.majorMinor());
    line.append(' ').append(MountInfoEscapes.escape(e.root()));
    line.append(' ').append(MountInfoEscapes.escape(e.mountPoint()));
    line.append(' ').append(String.join(",", e.mountOptions()));
    for (String optional : e.optionalFields()) {
      line.append(' ').append(optional);
    }
    line.append(" - ").append(MountInfoEscapes.escape(e.fsType()));
    line.append(' ').append(MountInfoEscapes.escape(e.source()));
    line.append(' ').append(String.join(",", e.superOptions()));
    return line.toString();
  }

  private static String garbageLine(Random random) {
    switch (random.nextInt(4)) {
      case 0:
        return "#" + RandomCases.string(random, "abc 0123-:/", random.nextInt(80));
      case 1:
        return "1 2 0:3 / /x rw"; // no separator
      case 2:
        return "1 2 0:3 /a b /x rw - tmpfs t rw"; // unescaped space in root
      default:
        return "-";
    }
  }
}
