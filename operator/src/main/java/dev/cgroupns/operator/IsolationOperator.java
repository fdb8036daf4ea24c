package dev.cgroupns.operator;

import dev.cgroupns.api.v1alpha1.CgroupIsolation;
import dev.cgroupns.operator.config.OperatorSettings;
import dev.cgroupns.operator.events.KubernetesEventRecorder;
import dev.cgroupns.operator.reconciler.CgroupIsolationReconciler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Builds the configured JOSDK operator: the one place where framework settings live, used by {@link
 * OperatorMain} and by the tests alike, so tests run the configuration production runs.
 */
public final class IsolationOperator {
  public static final String LEASE_NAME = "cgroup-isolation-operator";

  private final Operator operator;
  private final AtomicBoolean leading;

  private IsolationOperator(Operator operator, AtomicBoolean leading) {
    this.operator = operator;
    this.leading = leading;
  }

  public static IsolationOperator create(
      KubernetesClient client, OperatorSettings settings, MeterRegistry registry, Clock clock) {
    // Without leader election this replica always leads.
    AtomicBoolean leading = new AtomicBoolean(!settings.leaderElection());
    Operator operator =
        new Operator(
            overrider -> {
              overrider
                  .withKubernetesClient(client)
                  // No server-side apply anywhere: the finalizer is added with a plain patch,
                  // and the reconciler writes status itself, whole (see StatusWriter).
                  .withUseSSAToPatchPrimaryResource(false)
                  .withSSABasedCreateUpdateMatchForDependentResources(false)
                  .withPreviousAnnotationForDependentResources(false)
                  // One time series per controller, never per resource: labels stay bounded
                  // however many CgroupIsolations exist.
                  .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(registry))
                  .withReconciliationTerminationTimeout(settings.shutdownTimeout())
                  .withCloseClientOnStop(false);
              if (settings.leaderElection()) {
                overrider.withLeaderElectionConfiguration(
                    LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(LEASE_NAME)
                        .withLeaseNamespace(settings.ownNamespace())
                        // The pod's name, so the Lease tells a user which pod leads.
                        .withIdentity(settings.leaderIdentity().value())
                        // A replica that lost the lease may have missed events: exit, restart
                        // as a standby, resync from scratch when it leads again.
                        .withExitOnStopLeading(true)
                        .withLeaderCallbacks(
                            new LeaderCallbacks(
                                () -> leading.set(true), () -> leading.set(false), id -> {}))
                        .build());
              }
            });
    CgroupIsolationReconciler reconciler =
        new CgroupIsolationReconciler(settings, new KubernetesEventRecorder(client), clock);
    operator.register(
        reconciler,
        override -> {
          override.withOnUpdateFilter(CgroupIsolationReconciler::worthReconciling);
          if (!settings.watchNamespaces().isEmpty()) {
            override.settingNamespaces(settings.watchNamespaces());
          }
        });
    return new IsolationOperator(operator, leading);
  }

  public void start() {
    operator.start();
  }

  public void stop() {
    operator.stop();
  }

  /**
   * Ready to serve: started, and, when leading, every informer synced and healthy. A standby
   * replica is ready too (it has nothing to sync until it leads), so rollouts of two replicas do
   * not wait on the one that cannot lead.
   */
  public boolean ready() {
    var runtime = operator.getRuntimeInfo();
    return runtime.isStarted() && (!leading.get() || runtime.allEventSourcesAreHealthy());
  }

  public Class<CgroupIsolation> primaryType() {
    return CgroupIsolation.class;
  }
}
