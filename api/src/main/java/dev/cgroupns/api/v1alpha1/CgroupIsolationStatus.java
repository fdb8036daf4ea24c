package dev.cgroupns.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/**
 * The operator's summary of every node's results. Bounded whatever the cluster size: counters are
 * totals, and the per-node and problem lists keep only the most relevant entries (with a count of
 * what was left out), so the object stays small on clusters of thousands of nodes.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CgroupIsolationStatus {
  public static final int MAX_NODES = 50;
  public static final int MAX_PROBLEMS = 20;

  /** The metadata.generation this status describes. */
  public Long observedGeneration;

  /** Ready, Reconciling and Stalled, in the kstatus convention. */
  public List<Condition> conditions = new ArrayList<>();

  /** Containers the selector matched, on every node. */
  public Integer matched;

  /** Containers whose cgroupfs now shows only their own subtree. */
  public Integer isolated;

  /** Containers whose runtime already gave them a private cgroup namespace; left untouched. */
  public Integer alreadyPrivate;

  /** In Audit mode: containers that Enforce would change. */
  public Integer wouldChange;

  /** Containers not yet reported by their node's agent. */
  public Integer pending;

  /** Containers the agent could not isolate (see problems). */
  public Integer failed;

  /** Nodes that run at least one matched container. */
  public Integer nodeCount;

  /** Per-node counters, nodes with failures or pending work first, at most MAX_NODES entries. */
  @Size(max = MAX_NODES)
  public List<NodeSummary> nodes = new ArrayList<>();

  /** How many nodes were left out of {@link #nodes}. */
  public Integer nodesOmitted;

  /** The most recent problems, at most MAX_PROBLEMS entries. */
  @Size(max = MAX_PROBLEMS)
  public List<Problem> problems = new ArrayList<>();

  /** How many problems were left out of {@link #problems}. */
  public Integer problemsOmitted;
}
