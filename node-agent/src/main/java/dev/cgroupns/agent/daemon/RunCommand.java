package dev.cgroupns.agent.daemon;

import dev.cgroupns.agent.daemon.api.ApiStatusWriter;
import dev.cgroupns.agent.daemon.api.LeanSerialization;
import dev.cgroupns.agent.daemon.api.NodeWatches;
import dev.cgroupns.agent.daemon.api.PodEventWriter;
import dev.cgroupns.agent.daemon.api.StatusWriter.RetryPolicy;
import dev.cgroupns.agent.daemon.arrivals.ContainerArrivals;
import dev.cgroupns.agent.daemon.arrivals.NodeArrivals;
import dev.cgroupns.agent.daemon.engine.ContainerEngine;
import dev.cgroupns.agent.daemon.engine.KernelContainerEngine;
import dev.cgroupns.agent.daemon.events.EventBudget;
import dev.cgroupns.agent.daemon.nri.AtCreationLedger;
import dev.cgroupns.agent.daemon.nri.AtCreationTracker;
import dev.cgroupns.agent.daemon.nri.CreationDecision;
import dev.cgroupns.agent.daemon.nri.IsolationPlugin;
import dev.cgroupns.agent.daemon.nri.NriMetrics;
import dev.cgroupns.agent.daemon.nri.NriPluginRunner;
import dev.cgroupns.agent.daemon.nri.NriSettings;
import dev.cgroupns.agent.daemon.ops.AgentMetrics;
import dev.cgroupns.agent.daemon.targets.Protection;
import dev.cgroupns.agent.daemon.targets.TargetResolver;
import dev.cgroupns.agent.proc.ProcFs;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code node-agent run}: the DaemonSet mode. Every option falls back to an environment variable,
 * so the DaemonSet can configure the agent through its pod spec (NODE_NAME, POD_NAME and
 * POD_NAMESPACE come from the downward API). Runs until SIGTERM, then finishes the pass in progress
 * and exits.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run as the node's agent: watch this node's pods and CgroupIsolationNode objects, isolate"
          + " or revert their containers, and report each container's view in the objects' status.",
      "Serves /healthz, /readyz and /metrics on --metrics-port."
    })
public final class RunCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--node-name",
      defaultValue = "${env:NODE_NAME}",
      description = "The node this agent serves (env NODE_NAME; required).")
  String nodeName;

  @Option(
      names = "--pod-name",
      defaultValue = "${env:POD_NAME}",
      description = "The agent's own pod, never isolated (env POD_NAME).")
  String podName;

  @Option(
      names = "--pod-namespace",
      defaultValue = "${env:POD_NAMESPACE}",
      description = "The agent pod's namespace (env POD_NAMESPACE).")
  String podNamespace;

  @Option(
      names = "--proc-root",
      defaultValue = "${env:PROC_ROOT:-/proc}",
      description = "The host's procfs (env PROC_ROOT; default: ${DEFAULT-VALUE}).")
  Path procRoot;

  @Option(
      names = "--cgroup-root",
      defaultValue = "${env:CGROUP_ROOT:-/sys/fs/cgroup}",
      description =
          "The host's cgroup hierarchies as mounted into the agent (env CGROUP_ROOT; default:"
              + " ${DEFAULT-VALUE}; the DaemonSet mounts them at /host/sys/fs/cgroup).")
  Path cgroupRoot;

  @Option(
      names = "--state-dir",
      defaultValue = "${env:STATE_DIR:-/run/cgroup-isolation}",
      description = "Revert records and locks (env STATE_DIR; default: ${DEFAULT-VALUE}).")
  Path stateDir;

  @Option(
      names = "--metrics-port",
      defaultValue = "${env:METRICS_PORT:-8081}",
      description =
          "Port of /healthz, /readyz and /metrics (env METRICS_PORT; default: ${DEFAULT-VALUE}).")
  int metricsPort;

  @Option(
      names = "--resync-interval",
      defaultValue = "${env:RESYNC_INTERVAL:-60s}",
      converter = DurationConverter.class,
      description =
          "How often every isolated container is re-verified, and drift repaired (env"
              + " RESYNC_INTERVAL; default: ${DEFAULT-VALUE}).")
  Duration resyncInterval;

  @Option(
      names = "--status-heartbeat",
      defaultValue = "${env:STATUS_HEARTBEAT:-10m}",
      converter = DurationConverter.class,
      description =
          "Refresh status.lastVerified at least this often even when nothing changed (default:"
              + " ${DEFAULT-VALUE}).")
  Duration heartbeat;

  @Option(
      names = "--parallelism",
      defaultValue = "${env:PARALLELISM:-4}",
      description =
          "Containers isolated at once within a pass (env PARALLELISM; default: ${DEFAULT-VALUE}).")
  int parallelism;

  @Option(
      names = "--nri-socket",
      defaultValue = "${env:NRI_SOCKET:-/var/run/nri/nri.sock}",
      description =
          "The runtime's NRI socket, where the agent registers a plugin that isolates containers"
              + " at their creation (env NRI_SOCKET; default: ${DEFAULT-VALUE}). Empty: remount"
              + " only. A missing socket is reported once and retried.")
  String nriSocket;

  @Option(
      names = "--nri-plugin-index",
      defaultValue = "${env:NRI_PLUGIN_INDEX:-10}",
      description =
          "The plugin's two-digit index; the runtime calls plugins in ascending order (env"
              + " NRI_PLUGIN_INDEX; default: ${DEFAULT-VALUE}).")
  String nriPluginIndex;

  @Override
  public Integer call() throws Exception {
    if (nodeName == null || nodeName.isBlank()) {
      throw new ParameterException(
          spec.commandLine(),
          "no node name: set NODE_NAME (the DaemonSet sets it from spec.nodeName through the"
              + " downward API) or pass --node-name");
    }
    NriSettings nri;
    try {
      nri =
          new NriSettings(
              nriSocket == null || nriSocket.isBlank() ? null : Path.of(nriSocket), nriPluginIndex);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    DaemonConfig defaults = DaemonConfig.defaults(nodeName, podNamespace, podName);
    DaemonConfig config =
        new DaemonConfig(
            nodeName,
            blankToNull(podNamespace),
            blankToNull(podName),
            procRoot,
            cgroupRoot,
            stateDir,
            metricsPort,
            resyncInterval,
            heartbeat,
            defaults.batchDelay(),
            parallelism,
            RetryPolicy.DEFAULT,
            defaults.shutdownTimeout());
    KernelContainerEngine engine =
        KernelContainerEngine.create(
            procRoot, cgroupRoot, stateDir, (int) ProcessHandle.current().pid());
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    KubernetesClient client =
        new KubernetesClientBuilder()
            .withKubernetesSerialization(LeanSerialization.create())
            .build();
    NodeAgentDaemon daemon = wire(config, client, engine, registry, Clock.systemUTC(), nri);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  daemon.close();
                  client.close();
                  stopped.countDown();
                },
                "node-agent-shutdown"));
    daemon.start();
    stopped.await();
    return 0;
  }

  /**
   * Builds a daemon and its collaborators: the watches, the pass logic with its status writer and
   * target rules, the Event writer, and the engine threads. The sandbox and the tests start their
   * daemons through this too, so that they run exactly what the DaemonSet runs.
   */
  public static NodeAgentDaemon wire(
      DaemonConfig config,
      KubernetesClient client,
      ContainerEngine engine,
      PrometheusMeterRegistry registry,
      Clock clock)
      throws IOException {
    return wire(config, client, engine, registry, clock, NriSettings.disabled());
  }

  /**
   * {@link #wire(DaemonConfig, KubernetesClient, ContainerEngine, PrometheusMeterRegistry, Clock)}
   * with an NRI plugin when {@code nri} is enabled: it decides from the same watch caches as the
   * passes, and the passes report the containers it adjusted as isolated at creation.
   */
  public static NodeAgentDaemon wire(
      DaemonConfig config,
      KubernetesClient client,
      ContainerEngine engine,
      PrometheusMeterRegistry registry,
      Clock clock,
      NriSettings nri)
      throws IOException {
    Protection protection = new Protection(config.podNamespace(), config.podName());
    NodeWatches watches = new NodeWatches(client, config.nodeName());
    AtCreationLedger ledger = new AtCreationLedger();
    AtCreationTracker atCreation =
        nri.enabled() ? AtCreationTracker.enabled() : AtCreationTracker.disabled();
    NriMetrics nriMetrics = new NriMetrics(registry, atCreation::active);
    NriPluginRunner nriRunner = null;
    if (nri.enabled()) {
      IsolationPlugin plugin =
          new IsolationPlugin(
              new CreationDecision(config.nodeName(), protection),
              watches::objects,
              ledger,
              IsolationPlugin.Listener.both(atCreation, nriMetrics));
      nriRunner =
          new NriPluginRunner(
              nri.socket(),
              nri.index(),
              plugin,
              NriPluginRunner.StateListener.both(atCreation, nriMetrics));
    }
    AgentMetrics metrics = new AgentMetrics(registry);
    PodEventWriter events =
        new PodEventWriter(client, config.nodeName(), EventBudget.Limits.DEFAULT, metrics, clock);
    ExecutorService engineThreads = engineThreads(config.parallelism());
    // The daemon does not exist yet when the watch is made; the holder lets an arrival reach it.
    java.util.concurrent.atomic.AtomicReference<NodeAgentDaemon> daemonRef =
        new java.util.concurrent.atomic.AtomicReference<>();
    Optional<NodeArrivals> arrivals =
        config.cgroupRoot() == null
            ? Optional.empty()
            : NodeArrivals.open(
                config.cgroupRoot(),
                new ProcFs(config.procRoot()),
                () -> {
                  NodeAgentDaemon d = daemonRef.get();
                  if (d != null) {
                    d.requestUrgent();
                  }
                },
                registry,
                clock);
    NodeObjectReconciler reconciler =
        new NodeObjectReconciler(
            config.nodeName(),
            config.agentName(),
            new TargetResolver(
                config.nodeName(),
                protection,
                arrivals.map(NodeArrivals::lookup).orElse(ContainerArrivals.Lookup.NONE)),
            engine,
            metrics,
            config.heartbeat(),
            clock,
            engineThreads,
            events,
            containerId -> ledger.find(containerId).isPresent(),
            atCreation);
    NodeAgentDaemon daemon =
        new NodeAgentDaemon(
            config,
            engine,
            watches,
            reconciler,
            new ApiStatusWriter(client, metrics, config.writeRetry()),
            engineThreads,
            events,
            registry,
            nriRunner);
    daemonRef.set(daemon);
    arrivals.ifPresent(
        a ->
            daemon.alsoRun(
                new NodeAgentDaemon.Companion() {
                  @Override
                  public void start() {
                    a.start();
                  }

                  @Override
                  public void close() {
                    a.close();
                  }
                }));
    // Containers the runtime says were isolated at creation: verify (and so report) them again.
    ledger.onRestore(() -> daemon.requestAll(true));
    // Whether new containers are isolated at creation changed: every status says so at once.
    atCreation.onChange(() -> daemon.requestAll(false));
    return daemon;
  }

  /** Where a pass's engine calls run, {@code parallelism} at a time. */
  private static ExecutorService engineThreads(int parallelism) {
    AtomicLong count = new AtomicLong();
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            parallelism,
            parallelism,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread thread = new Thread(r, "node-agent-engine-" + count.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    // Threads only while passes run: between resyncs a quiet node keeps no engine thread stacks.
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
