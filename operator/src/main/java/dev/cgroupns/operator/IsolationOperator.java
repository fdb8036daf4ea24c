package dev.cgroupns.operator;

import dev.cgroupns.api.v1alpha1.CgroupIsolation;
import dev.cgroupns.operator.config.OperatorSettings;
import dev.cgroupns.operator.election.Leadership;
import dev.cgroupns.operator.election.LeaseRelease;
import dev.cgroupns.operator.events.KubernetesEventRecorder;
import dev.cgroupns.operator.reconciler.CgroupIsolationReconciler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Builds the configured JOSDK operator: the one place where framework settings live, used by {@link
 * OperatorMain} and by the tests alike, so tests run the configuration production runs.
 */
public final class IsolationOperator {
  public static final String LEASE_NAME = "cgroup-isolation-operator";

  private final Operator operator;
  private final Leadership leadership;
  private final Optional<LeaseRelease> leaseRelease;

  private IsolationOperator(
      Operator operator, Leadership leadership, Optional<LeaseRelease> leaseRelease) {
    this.operator = operator;
    this.leadership = leadership;
    this.leaseRelease = leaseRelease;
  }

  public static IsolationOperator create(
      KubernetesClient client, OperatorSettings settings, MeterRegistry registry, Clock clock) {
    // Without leader election this replica always leads.
    Leadership leadership = new Leadership(!settings.leaderElection());
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
                        // JOSDK's own exit when this replica stops leading is System.exit(1),
                        // also when stop() ends the election inside the JVM's shutdown hook,
                        // where System.exit blocks forever. Leadership tells a lost lease from a
                        // stop instead, and OperatorMain exits for a lost one.
                        .withExitOnStopLeading(false)
                        .withLeaderCallbacks(leadership.callbacks())
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
    Optional<LeaseRelease> leaseRelease =
        settings.leaderElection()
            ? Optional.of(
                new LeaseRelease(
                    client,
                    settings.ownNamespace(),
                    LEASE_NAME,
                    settings.leaderIdentity().value(),
                    clock))
            : Optional.empty();
    return new IsolationOperator(operator, leadership, leaseRelease);
  }

  public void start() {
    operator.start();
  }

  /**
   * Stops taking events, lets running reconciliations finish (up to the shutdown timeout), then
   * hands the Lease over if this replica holds it, so the standby leads at once.
   */
  public void stop() {
    leadership.stopping();
    operator.stop();
    leaseRelease.ifPresent(LeaseRelease::release);
  }

  /**
   * Completes when this replica lost the Lease other than by {@link #stop()}: it may have missed
   * events meanwhile, so the process must exit and start again as a standby. Never completes
   * without leader election.
   */
  public CompletableFuture<Void> leaseLost() {
    return leadership.lost();
  }

  /**
   * Ready to serve: started, and, when leading, every informer synced and healthy. A standby
   * replica is ready too (it has nothing to sync until it leads), so rollouts of two replicas do
   * not wait on the one that cannot lead.
   */
  public boolean ready() {
    var runtime = operator.getRuntimeInfo();
    return runtime.isStarted() && (!leadership.leading() || runtime.allEventSourcesAreHealthy());
  }

  public Class<CgroupIsolation> primaryType() {
    return CgroupIsolation.class;
  }
}
