package dev.cgroupns.agent.proc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cgroupns.agent.testing.Requirements;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcFsTest {
  private static final int SELF = (int) ProcessHandle.current().pid();
  private final ProcFs procFs = ProcFs.host();

  @BeforeAll
  static void linux() {
    Requirements.requireLinuxProc();
  }

  @Test
  void identityOfThisProcessIsStableAndAlive() {
    ProcessIdentity id = procFs.identity(SELF).orElseThrow();

    assertThat(id.pid()).isEqualTo(SELF);
    assertThat(procFs.identity(SELF)).contains(id);
    assertThat(procFs.isAlive(id)).isTrue();
    assertThat(procFs.isAlive(new ProcessIdentity(SELF, id.startTime() + 1))).isFalse();
  }

  @Test
  void pidsListsNumericDirectoriesIncludingThisProcess() {
    assertThat(procFs.pids().boxed()).contains(SELF).allMatch(p -> p > 0);
  }

  @Test
  void ownCgroupAndMountInfoParseCleanly() {
    ProcCgroup cgroups = procFs.cgroups(SELF);
    MountInfo mounts = procFs.mountInfo(SELF);

    assertThat(cgroups.lines()).isNotEmpty();
    assertThat(cgroups.rejectedLines()).isEmpty();
    // "/" is kept: every cgroupfs mount point lies on it.
    assertThat(mounts.entries()).anyMatch(e -> e.mountPoint().equals("/"));
    assertThat(mounts.rejectedLines()).isEmpty();
    assertThat(procFs.selfCgroups()).isEqualTo(cgroups);
    assertThat(procFs.selfCgroupMounts().entries())
        .isNotEmpty()
        .allMatch(MountInfoEntry::isCgroup)
        .isEqualTo(mounts.cgroupMounts());
  }

  @Test
  void namespaceInodeMatchesTheLinkTarget() throws IOException {
    String link = Files.readSymbolicLink(Path.of("/proc/self/ns/cgroup")).toString();

    assertThat(procFs.namespaceInode(SELF, "cgroup"))
        .hasValueSatisfying(inode -> assertThat(link).isEqualTo("cgroup:[" + inode + "]"));
    assertThat(procFs.namespaceInode(SELF, "no_such_ns")).isEmpty();
  }

  @Test
  void namespaceNamesArePlainWords() {
    assertThatThrownBy(() -> procFs.namespaceInode(SELF, "../../etc"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aProcessThatExitedIsReportedAsVanished() throws Exception {
    Process child = new ProcessBuilder("sleep", "60").start();
    int pid = (int) child.pid();
    ProcessIdentity id = procFs.identity(pid).orElseThrow();
    child.destroy();
    child.waitFor(30, TimeUnit.SECONDS); // reaped by the JVM: /proc/PID is gone

    assertThat(procFs.isAlive(id)).isFalse();
    assertThat(procFs.identity(pid)).isEmpty();
    assertThatThrownBy(() -> procFs.cgroups(pid))
        .isInstanceOf(ProcessVanishedException.class)
        .hasMessageContaining(Integer.toString(pid));
    assertThatThrownBy(() -> procFs.mountInfo(pid)).isInstanceOf(ProcessVanishedException.class);
    assertThatThrownBy(() -> procFs.namespaceInode(pid, "cgroup"))
        .isInstanceOf(ProcessVanishedException.class);
  }

  @Test
  void aCgroupFileLargerThanTheBoundIsRefusedUnread(@TempDir Path fakeProc) throws IOException {
    Path pidDir = Files.createDirectories(fakeProc.resolve("42"));
    Files.writeString(
        pidDir.resolve("cgroup"), "0::/" + "a".repeat(ProcFs.MAX_CGROUP_BYTES) + "\n");

    assertThatThrownBy(() -> new ProcFs(fakeProc).cgroups(42))
        .isInstanceOf(ProcFormatException.class)
        .hasMessageContaining("larger than " + ProcFs.MAX_CGROUP_BYTES);
  }

  @Test
  void aLineLongerThanAnyRealOneIsRefusedNotLoaded(@TempDir Path fakeProc) throws IOException {
    Path pidDir = Files.createDirectories(fakeProc.resolve("42"));
    Files.write(pidDir.resolve("mountinfo"), new byte[MountInfoParser.MAX_LINE_BYTES + 1]);

    assertThatThrownBy(() -> new ProcFs(fakeProc).mountInfo(42))
        .isInstanceOf(MountTableTooLargeException.class)
        .hasMessageContaining("longer than");
  }

  @Test
  void aTableOfMoreMountsThanTheKernelDefaultAllowsIsRefused(@TempDir Path fakeProc)
      throws IOException {
    Path pidDir = Files.createDirectories(fakeProc.resolve("42"));
    try (var out = Files.newBufferedWriter(pidDir.resolve("mountinfo"))) {
      for (int i = 0; i <= MountInfoParser.MAX_MOUNTS; i++) {
        out.write((i + 100) + " 99 0:5 / /b/" + i + " rw - tmpfs t rw\n");
      }
    }

    assertThatThrownBy(() -> new ProcFs(fakeProc).mountInfo(42))
        .isInstanceOf(MountTableTooLargeException.class)
        .hasMessageContaining("more than " + MountInfoParser.MAX_MOUNTS);
  }

  @Test
  void aMountTableBombIsReadKeepingOnlyTheCgroupMountsAndTheMountsAroundThem(@TempDir Path fakeProc)
      throws IOException {
    // 45,000 mounts with long mount points: about 5 MiB, more than a 28 MiB heap could hold as
    // entries. Kept: the cgroupfs mount, and the tmpfs its mount point lies on.
    Path pidDir = Files.createDirectories(fakeProc.resolve("42"));
    String deep = "/bomb/" + "d".repeat(60);
    try (var out = Files.newBufferedWriter(pidDir.resolve("mountinfo"))) {
      out.write("19 1 0:29 / /sys/fs/cgroup rw shared:6 - tmpfs tmpfs rw,mode=755\n");
      out.write(
          "20 19 0:30 /kubepods/pod1/c1 /sys/fs/cgroup/memory ro,nosuid shared:7"
              + " - cgroup cgroup rw,memory\n");
      for (int i = 0; i < 45_000; i++) {
        out.write(
            (i + 100)
                + " 20 0:5 / "
                + deep
                + "/"
                + i
                + " rw,relatime - tmpfs tmp"
                + " rw,size=4k,mode=755\n");
      }
    }
    assertThat(Files.size(pidDir.resolve("mountinfo"))).isGreaterThan(4L << 20);

    MountInfo info = new ProcFs(fakeProc).mountInfo(42);

    assertThat(info.entries()).extracting(MountInfoEntry::mountId).containsExactly(19, 20);
    assertThat(info.cgroupMounts())
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.root()).isEqualTo("/kubepods/pod1/c1");
              assertThat(m.readOnly()).isTrue();
              assertThat(m.cgroupV1Controllers()).containsExactly("memory");
              assertThat(m.sharedPeerGroup()).hasValue(7);
            });
    MountInfoEntry tmpfs = info.entries().get(0);
    assertThat(tmpfs.sharedPeerGroup()).hasValue(6);
    // Slim: the options and source of a mount that is not a cgroupfs are not kept.
    assertThat(tmpfs.superOptions()).isEmpty();
    assertThat(tmpfs.source()).isEmpty();
  }

  @Test
  void aFakeProcRootIsReadWithTheSameRules(@TempDir Path fakeProc) throws IOException {
    Files.createDirectories(fakeProc.resolve("self"));
    Files.createDirectories(fakeProc.resolve("sys"));
    Files.createDirectories(fakeProc.resolve("0042x"));
    Path pidDir = Files.createDirectories(fakeProc.resolve("7"));
    Files.writeString(
        pidDir.resolve("stat"),
        "7 (a) b) S 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 555 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n");
    Files.writeString(pidDir.resolve("cgroup"), "0::/x\n");
    ProcFs fake = new ProcFs(fakeProc);

    assertThat(fake.pids().boxed()).containsExactly(7);
    assertThat(fake.identity(7)).contains(new ProcessIdentity(7, 555));
    assertThat(fake.cgroups(7).v2().orElseThrow().path()).isEqualTo("/x");
    assertThat(fake.identity(8)).isEmpty();
    assertThat(fake.root()).isEqualTo(fakeProc.toAbsolutePath().normalize());
  }
}
