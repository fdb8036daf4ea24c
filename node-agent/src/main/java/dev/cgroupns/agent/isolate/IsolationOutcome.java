package dev.cgroupns.agent.isolate;

import dev.cgroupns.agent.proc.ProcessIdentity;
import java.util.List;

/**
 * The result of isolate or revert (failures are exceptions instead).
 *
 * @param process the container process
 * @param result what happened
 * @param changes one line per mount point changed (or, in audit mode, that would change)
 * @param notes mounts left alone and why, or why it was refused
 */
public record IsolationOutcome(
    ProcessIdentity process, Result result, List<String> changes, List<String> notes) {

  public IsolationOutcome {
    changes = List.copyOf(changes);
    notes = List.copyOf(notes);
  }

  /** What happened. */
  public enum Result {
    ISOLATED("isolated: its cgroupfs mounts now show only its own subtree"),
    ALREADY_ISOLATED("already isolated: nothing changed"),
    NO_CGROUP_MOUNTS("no cgroupfs mounts: nothing to change"),
    ALREADY_PRIVATE("it already has a private cgroup namespace: left alone"),
    WOULD_CHANGE("audit: these changes would be made; nothing was changed"),
    REFUSED("refused: nothing was changed"),
    REVERTED("reverted: the original cgroupfs mounts are back"),
    WOULD_REVERT("audit: these mounts would be reverted; nothing was changed"),
    NOTHING_TO_REVERT("nothing recorded for this container: nothing to revert");

    private final String text;

    Result(String text) {
      this.text = text;
    }

    /** One sentence for people. */
    public String text() {
      return text;
    }
  }

  /** What a remount cannot change; said with every result that changes or would change mounts. */
  public static final String LIMITS =
      "Running processes keep their own /proc/self/cgroup lines (host paths); only processes"
          + " born into a cgroup namespace see \"/\". The remount limits what the container can"
          + " browse and write through its cgroupfs mounts.";
}
