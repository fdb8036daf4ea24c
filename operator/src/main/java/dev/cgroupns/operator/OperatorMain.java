package dev.cgroupns.operator;

import dev.cgroupns.operator.config.LeaderIdentity;
import dev.cgroupns.operator.config.OperatorSettings;
import dev.cgroupns.operator.health.HealthServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Entry point of the operator container. Settings come from the environment. */
public final class OperatorMain {
  private static final Logger LOG = LoggerFactory.getLogger(OperatorMain.class);

  private OperatorMain() {}

  public static void main(String[] args) throws Exception {
    OperatorSettings settings = OperatorSettings.fromEnvironment(System.getenv());
    LOG.info(
        "starting: read-write mounts {}, revert timeout {}s, namespaces {}, leader election {}",
        settings.allowReadWrite() ? "permitted" : "refused",
        settings.revertTimeout().toSeconds(),
        settings.watchNamespaces().isEmpty() ? "all" : settings.watchNamespaces(),
        settings.leaderElection());
    if (settings.leaderElection()) {
      LeaderIdentity identity = settings.leaderIdentity();
      if (identity.source() == LeaderIdentity.Source.POD_NAME) {
        LOG.info("leader-election identity {}", identity.describe());
      } else {
        // The Lease will not name a pod: say why, where the user looks first.
        LOG.warn("leader-election identity {}", identity.describe());
      }
    }

    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);

    KubernetesClient client = new KubernetesClientBuilder().build();
    IsolationOperator operator =
        IsolationOperator.create(client, settings, registry, Clock.systemUTC());
    HealthServer health =
        new HealthServer(settings.healthPort(), () -> true, operator::ready, registry::scrape);
    health.start();

    ProcessExit exit = new ProcessExit();
    exit.onShutdown(
        () -> {
          // SIGTERM: finish in-flight reconciliations, release the lease, then exit 0.
          LOG.info("shutting down");
          try {
            operator.stop();
          } finally {
            health.close();
            client.close();
          }
        });
    try {
      operator.start();
    } catch (RuntimeException e) {
      LOG.error("could not start", e);
      exit.fail();
    }
    operator.leaseLost().join();
    LOG.error(
        "lost the leader-election lease as {}: exiting, to restart as a standby",
        settings.leaderIdentity().value());
    exit.fail();
  }
}
