package dev.cgroupns.nri;

import dev.cgroupns.nri.api.LinuxNamespace;
import dev.cgroupns.nri.api.Mount;

/**
 * NRI adjustments remove an entry by repeating its key with a leading "-": a mount by its
 * destination, a namespace by its type, an annotation or environment variable by its name. These
 * build such entries.
 */
public final class Removals {

  public static final String MARKER = "-";

  private Removals() {}

  public static String marked(String key) {
    return MARKER + key;
  }

  public static boolean isMarked(String key) {
    return key.startsWith(MARKER);
  }

  /** Removes the container's mount at {@code destination}; add a new one after it to replace it. */
  public static Mount mount(String destination) {
    return Mount.newBuilder().setDestination(marked(destination)).build();
  }

  /** Removes the container's namespace of {@code type} (such as "cgroup"). */
  public static LinuxNamespace namespace(String type) {
    return LinuxNamespace.newBuilder().setType(marked(type)).build();
  }
}
