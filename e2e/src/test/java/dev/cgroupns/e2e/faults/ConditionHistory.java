package dev.cgroupns.e2e.faults;

import dev.cgroupns.api.v1alpha1.CgroupIsolation;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Every condition a CgroupIsolation showed as True, as "Type/Reason", in the order the watch saw
 * them: transient states (an error being retried) are gone by the time a test looks at the object.
 */
final class ConditionHistory implements AutoCloseable {
  private final List<String> seen = new CopyOnWriteArrayList<>();
  private final Watch watch;

  private ConditionHistory(KubernetesClient client, String namespace, String name) {
    watch =
        client
            .resources(CgroupIsolation.class)
            .inNamespace(namespace)
            .withName(name)
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, CgroupIsolation isolation) {
                    if (isolation.getStatus() == null) {
                      return;
                    }
                    isolation.getStatus().conditions.stream()
                        .filter(c -> "True".equals(c.getStatus()))
                        .map(c -> c.getType() + "/" + c.getReason())
                        .filter(c -> seen.isEmpty() || !seen.get(seen.size() - 1).equals(c))
                        .forEach(seen::add);
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                });
  }

  static ConditionHistory watch(KubernetesClient client, String namespace, String name) {
    return new ConditionHistory(client, namespace, name);
  }

  List<String> seen() {
    return List.copyOf(seen);
  }

  @Override
  public void close() {
    watch.close();
  }
}
