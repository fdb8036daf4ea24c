package dev.cgroupns.e2e.bench;

import dev.cgroupns.api.v1alpha1.ApiGroup;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import dev.cgroupns.api.v1alpha1.ContainerPhase;
import dev.cgroupns.api.v1alpha1.LabelValues;
import dev.cgroupns.operator.testing.FakeAgent;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Agents for simulated nodes: each watches its node's CgroupIsolationNode objects (by the node
 * label, as the real agent does) and answers every generation it has not answered yet through
 * {@link FakeAgent}, which writes the status the real agent writes, one status write per object and
 * pass. Every listed container gets the given phase on Apply and Reverted on Revert.
 *
 * <p>What they leave out of the real agent: the kernel work, the per-container views in the status
 * (the operator drops them before caching anyway), the batch delay and the periodic verification.
 */
public final class SimulatedAgents implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SimulatedAgents.class);

  private final ContainerPhase phase;
  private final ExecutorService workers;
  private final List<SharedIndexInformer<CgroupIsolationNode>> informers = new ArrayList<>();
  private SharedIndexInformer<Pod> pods;

  private SimulatedAgents(ContainerPhase phase, int threads) {
    this.phase = phase;
    this.workers = Executors.newFixedThreadPool(threads, r -> new Thread(r, "simulated-agent"));
  }

  /**
   * Starts one simulated agent per node.
   *
   * @param threads how many nodes may write at the same time
   */
  public static SimulatedAgents start(
      KubernetesClient client, List<String> nodes, ContainerPhase phase, int threads) {
    SimulatedAgents agents = new SimulatedAgents(phase, threads);
    try {
      agents.pods = client.pods().inAnyNamespace().runnableInformer(0);
      agents.pods.run();
      for (String node : nodes) {
        agents.watch(client, node);
      }
    } catch (RuntimeException e) {
      agents.close();
      throw e;
    }
    return agents;
  }

  private void watch(KubernetesClient client, String node) {
    SharedIndexInformer<CgroupIsolationNode> informer =
        client
            .resources(CgroupIsolationNode.class)
            .inAnyNamespace()
            .withLabel(ApiGroup.NODE_LABEL, LabelValues.ofName(node))
            .runnableInformer(0);
    informers.add(informer);
    informer.addEventHandler(
        new NodeLoop(
            new FakeAgent(client, node, (namespace, name) -> cachedPod(client, namespace, name)),
            node,
            informer));
    informer.run();
  }

  /**
   * Pods from one informer shared by all simulated nodes: one GET per pod per pass would make the
   * simulation, not the operator, the bottleneck of the large cases. A pod the cache does not hold
   * yet is read directly, so no answer is made from a cache that lags behind the pods' creation.
   */
  private Pod cachedPod(KubernetesClient client, String namespace, String name) {
    Pod cached = pods.getStore().getByKey(namespace + "/" + name);
    return cached != null ? cached : client.pods().inNamespace(namespace).withName(name).get();
  }

  /** One node's agent: every event queues a pass over the node's objects, at most one queued. */
  private final class NodeLoop implements ResourceEventHandler<CgroupIsolationNode> {
    private final FakeAgent agent;
    private final String node;
    private final SharedIndexInformer<CgroupIsolationNode> informer;
    private final AtomicBoolean queued = new AtomicBoolean();

    /**
     * Generation last answered per object UID: the store may not show the agent's own write yet
     * when the next pass runs, and one answer per generation is what the real agent writes.
     */
    private final Map<String, Long> answered = new HashMap<>();

    NodeLoop(FakeAgent agent, String node, SharedIndexInformer<CgroupIsolationNode> informer) {
      this.agent = agent;
      this.node = node;
      this.informer = informer;
    }

    @Override
    public void onAdd(CgroupIsolationNode object) {
      schedule();
    }

    @Override
    public void onUpdate(CgroupIsolationNode before, CgroupIsolationNode after) {
      schedule();
    }

    @Override
    public void onDelete(CgroupIsolationNode object, boolean finalStateUnknown) {}

    private void schedule() {
      if (queued.compareAndSet(false, true)) {
        workers.execute(this::pass);
      }
    }

    /** One pass at a time per node, as one agent works; events during a pass queue the next. */
    private synchronized void pass() {
      queued.set(false);
      for (CgroupIsolationNode object : informer.getStore().list()) {
        Long generation = object.getMetadata().getGeneration();
        if (unanswered(object) && !generation.equals(answered.get(object.getMetadata().getUid()))) {
          try {
            agent.act(object, phase);
            answered.put(object.getMetadata().getUid(), generation);
          } catch (RuntimeException e) {
            // The object's next event (the status write it missed, or the operator's) retries.
            LOG.warn("simulated agent of {} failed to answer", node, e);
          }
        }
      }
    }
  }

  /** The agent has not yet acted on the object's current generation. */
  static boolean unanswered(CgroupIsolationNode object) {
    Long generation = object.getMetadata().getGeneration();
    Long observed = object.getStatus() == null ? null : object.getStatus().observedGeneration;
    return generation != null && (observed == null || observed < generation);
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
    if (pods != null) {
      pods.close();
    }
    workers.shutdownNow();
    try {
      workers.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
