package dev.cgroupns.e2e.harness;

import dev.cgroupns.api.v1alpha1.CgroupIsolation;
import dev.cgroupns.api.v1alpha1.CgroupIsolationSpec;
import dev.cgroupns.api.v1alpha1.PodSelector;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.Map;

/** CgroupIsolations for the tests, as a user would write them (the API's defaults left out). */
public final class Isolations {

  private Isolations() {}

  /**
   * Isolates every container of the pods with these labels; no namespace, so {@link
   * E2eCluster#apply} puts it in the test's own.
   */
  public static CgroupIsolation selecting(String name, Map<String, String> matchLabels) {
    CgroupIsolation isolation = new CgroupIsolation();
    isolation.setMetadata(new ObjectMetaBuilder().withName(name).build());
    CgroupIsolationSpec spec = new CgroupIsolationSpec();
    spec.podSelector = new PodSelector(Map.copyOf(matchLabels), null);
    isolation.setSpec(spec);
    return isolation;
  }
}
