package dev.cgroupns.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CgroupMemoryTest {
  private static final long MIB = 1024 * 1024;

  @Test
  void rssIsTheAnonymousChargeAndTheWorkingSetLeavesInactiveCacheOut() {
    String stat =
        "cache "
            + 20 * MIB
            + "\nrss "
            + 50 * MIB
            + "\nrss_huge "
            + 2 * MIB
            + "\nmapped_file 0\ninactive_file 1\ntotal_cache "
            + 20 * MIB
            + "\ntotal_inactive_file "
            + 8 * MIB
            + "\n";
    CgroupMemory memory =
        CgroupMemory.parse(Long.toString(72 * MIB) + "\n", Long.toString(80 * MIB), stat);
    assertThat(memory)
        .isEqualTo(new CgroupMemory(72 * MIB, 80 * MIB, 52 * MIB, 20 * MIB, 64 * MIB));
    assertThat(memory.describe())
        .isEqualTo(
            "usage 72.0 MiB (peak 80.0), rss 52.0 MiB, page cache 20.0 MiB, working set 64.0 MiB");
  }

  @Test
  void aStatWithoutTheAnonymousChargeIsRejected() {
    assertThatThrownBy(() -> CgroupMemory.parse("1", "1", "cache 1\ntotal_inactive_file 0\n"))
        .hasMessageContaining("no rss");
  }
}
