package dev.cgroupns.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JvmMemoryMetersTest {

  @Test
  void sumsThePoolsOfEachPartAndNamesTheThreads() {
    String metrics =
        String.join(
            "\n",
            "# HELP jvm_memory_committed_bytes The amount of memory in bytes that is committed",
            "jvm_memory_committed_bytes{area=\"heap\",id=\"Eden Space\"} 4194304.0",
            "jvm_memory_committed_bytes{area=\"heap\",id=\"Tenured Gen\"} 1.6777216E7",
            "jvm_memory_used_bytes{area=\"heap\",id=\"Eden Space\"} 1048576.0",
            "jvm_memory_used_bytes{area=\"heap\",id=\"Tenured Gen\"} 1.048576E7",
            "jvm_memory_committed_bytes{area=\"nonheap\",id=\"Metaspace\",} 3.145728E7",
            "jvm_memory_used_bytes{area=\"nonheap\",id=\"Metaspace\",} 3.0408704E7",
            "jvm_memory_committed_bytes{area=\"nonheap\",id=\"CodeCache\"} 6291456.0",
            "jvm_memory_used_bytes{area=\"nonheap\",id=\"CodeCache\"} 5242880.0",
            "jvm_memory_max_bytes{area=\"heap\",id=\"Tenured Gen\"} 2.5165824E7",
            "jvm_threads_live_threads 27.0");
    assertThat(JvmMemoryMeters.describe(metrics))
        .isEqualTo(
            "heap 20.0 MiB committed (11.0 used), metaspace 30.0 (29.0 used), code 6.0 (5.0"
                + " used), 27 threads");
  }

  @Test
  void givesTheCommittedMemoryOfEachPart() {
    String metrics =
        String.join(
            "\n",
            "jvm_memory_committed_bytes{area=\"heap\",id=\"Eden Space\"} 4194304.0",
            "jvm_memory_committed_bytes{area=\"heap\",id=\"Tenured Gen\"} 1.6777216E7",
            "jvm_memory_committed_bytes{area=\"nonheap\",id=\"Metaspace\"} 3670016.0",
            "jvm_memory_used_bytes{area=\"nonheap\",id=\"Metaspace\"} 3145728.0");

    assertThat(JvmMemoryMeters.committedMiB(metrics))
        .containsEntry("heap", 20.0)
        .containsEntry("metaspace", 3.5)
        .containsEntry("code", 0.0);
  }

  @Test
  void saysSoWhenThereAreNoMeters() {
    assertThat(JvmMemoryMeters.describe("(unreadable: java.net.ConnectException)"))
        .isEqualTo("no JVM memory meters");
  }
}
