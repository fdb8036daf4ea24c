package dev.cgroupns.agent.daemon.api;

import dev.cgroupns.agent.daemon.targets.PodTrimmer;
import dev.cgroupns.api.v1alpha1.ApiGroup;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import dev.cgroupns.api.v1alpha1.LabelValues;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's two watches, both narrowed to its node on the server side so that no agent ever lists
 * the cluster's pods: pods with the field selector {@code spec.nodeName=<node>}, and
 * CgroupIsolationNode objects with the label {@code cgroupns.dev/node=<node>} in every namespace.
 * The label value is derived from the node name by the rule the operator labels with ({@link
 * LabelValues#ofName}: names over 63 characters are shortened with a hash), so nodes with long
 * names are served too; the node name in each object's spec is what the agent checks before it
 * acts. Their caches are what a pass reads; the pod cache keeps only trimmed pods ({@link
 * PodTrimmer}).
 */
public final class NodeWatches implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NodeWatches.class);

  private final SharedIndexInformer<Pod> pods;
  private final SharedIndexInformer<CgroupIsolationNode> objects;

  public NodeWatches(KubernetesClient client, String nodeName) {
    pods =
        client
            .pods()
            .inAnyNamespace()
            .withField("spec.nodeName", nodeName)
            .runnableInformer(0)
            .itemStore(new TrimmedPodStore());
    objects =
        client
            .resources(CgroupIsolationNode.class)
            .inAnyNamespace()
            .withLabel(ApiGroup.NODE_LABEL, LabelValues.ofName(nodeName))
            .runnableInformer(0);
  }

  /**
   * Starts both watches without waiting for them (see {@link #synced()}), telling {@code listener}
   * of every change. Call once.
   */
  public void start(WatchListener listener) {
    pods.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(Pod pod) {
            listener.podChanged(pod);
          }

          @Override
          public void onUpdate(Pod before, Pod after) {
            // The kubelet updates pod status often (readiness, conditions): only what a pass
            // reads is worth one.
            if (!PodTrimmer.sameForPasses(before, after)) {
              listener.podChanged(after);
            }
          }

          @Override
          public void onDelete(Pod pod, boolean finalStateUnknown) {
            listener.podChanged(pod);
          }
        });
    objects.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(CgroupIsolationNode object) {
            listener.objectChanged(null, object);
          }

          @Override
          public void onUpdate(CgroupIsolationNode before, CgroupIsolationNode after) {
            listener.objectChanged(before, after);
          }

          @Override
          public void onDelete(CgroupIsolationNode object, boolean finalStateUnknown) {
            listener.objectDeleted(object);
          }
        });
    pods.start().whenComplete((v, e) -> logStart("pod", e));
    objects.start().whenComplete((v, e) -> logStart("CgroupIsolationNode", e));
  }

  private static void logStart(String what, Throwable error) {
    if (error != null) {
      LOG.error("the {} watch could not start: {}", what, error.toString());
    } else {
      LOG.info("the {} watch is synced", what);
    }
  }

  /** True once both caches hold a complete list: only then may a pass trust them. */
  public boolean synced() {
    return pods.hasSynced() && objects.hasSynced();
  }

  public Collection<Pod> pods() {
    return pods.getStore().list();
  }

  public List<CgroupIsolationNode> objects() {
    return objects.getStore().list();
  }

  /** The namespace/name keys of every cached object. */
  public List<String> objectKeys() {
    return objects.getStore().listKeys();
  }

  /** The cached object with this namespace/name key. */
  public Optional<CgroupIsolationNode> object(String key) {
    return Optional.ofNullable(objects.getStore().getByKey(key));
  }

  @Override
  public void close() {
    pods.stop();
    objects.stop();
  }

  /** The pod cache: every pod is trimmed before it is kept. */
  private static final class TrimmedPodStore extends BasicItemStore<Pod> {
    TrimmedPodStore() {
      super(Cache::metaNamespaceKeyFunc);
    }

    @Override
    public Pod put(String key, Pod pod) {
      return super.put(key, PodTrimmer.trim(pod));
    }
  }
}
