package dev.cgroupns.nri;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cgroupns.nri.api.ConfigureRequest;
import dev.cgroupns.nri.api.ConfigureResponse;
import dev.cgroupns.nri.api.Container;
import dev.cgroupns.nri.api.ContainerAdjustment;
import dev.cgroupns.nri.api.ContainerUpdate;
import dev.cgroupns.nri.api.CreateContainerRequest;
import dev.cgroupns.nri.api.CreateContainerResponse;
import dev.cgroupns.nri.api.Empty;
import dev.cgroupns.nri.api.Event;
import dev.cgroupns.nri.api.LinuxNamespace;
import dev.cgroupns.nri.api.Mount;
import dev.cgroupns.nri.api.PodSandbox;
import dev.cgroupns.nri.api.StateChangeEvent;
import dev.cgroupns.nri.api.SynchronizeRequest;
import dev.cgroupns.nri.api.SynchronizeResponse;
import dev.cgroupns.nri.testing.FakeRuntime;
import dev.cgroupns.nri.testing.TargetingPlugin;
import dev.cgroupns.nri.ttrpc.RpcException;
import dev.cgroupns.nri.ttrpc.RpcStatus;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The test plugin and a runtime written in the test, talking NRI over a real Unix socket. */
class PluginConnectionTest {

  private final TargetingPlugin plugin = new TargetingPlugin();
  private final List<String> seen = plugin.seen;
  private FakeRuntime runtime;
  private PluginConnection connection;

  @BeforeEach
  void connect() throws Exception {
    runtime = FakeRuntime.listen();
    CompletableFuture<PluginConnection> connecting =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return PluginConnection.connect(runtime.socket(), "isolator", "10", plugin);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    runtime.accept();
    assertThat(runtime.awaitRegistration().getPluginName()).isEqualTo("isolator");
    ConfigureResponse configured =
        runtime.configure(
            ConfigureRequest.newBuilder()
                .setRuntimeName("fake")
                .setRuntimeVersion("0")
                .setRegistrationTimeout(5000)
                .setRequestTimeout(1500)
                .build());
    assertThat(configured.getEvents()).isEqualTo(TargetingPlugin.EVENTS.bits()).isNotZero();
    connection = connecting.get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void close() throws Exception {
    if (connection != null) {
      connection.close();
    }
    runtime.close();
  }

  @Test
  void registersWithNameAndIndexThenTakesTheRequestTimeoutFromConfigure() throws Exception {
    assertThat(runtime.awaitRegistration().getPluginIdx()).isEqualTo("10");
    assertThat(seen).containsExactly("configure fake 1500");
    assertThat(connection.requestTimeout()).isEqualTo(Duration.ofMillis(1500));
  }

  @Test
  void collectsASplitSynchronizationAndDeliversItOnce() throws Exception {
    SynchronizeResponse first =
        runtime.synchronize(
            SynchronizeRequest.newBuilder()
                .addPods(PodSandbox.newBuilder().setId("pod-1"))
                .addContainers(Container.newBuilder().setId("c-1"))
                .setMore(true)
                .build());
    assertThat(first.getMore()).isTrue();
    assertThat(first.getUpdateList()).isEmpty();
    assertThat(seen).containsExactly("configure fake 1500");

    SynchronizeResponse last =
        runtime.synchronize(
            SynchronizeRequest.newBuilder()
                .addPods(PodSandbox.newBuilder().setId("pod-2"))
                .addContainers(Container.newBuilder().setId("c-2"))
                .addContainers(Container.newBuilder().setId("c-3"))
                .build());
    assertThat(last.getMore()).isFalse();
    assertThat(seen).containsExactly("configure fake 1500", "synchronize 2 pods, 3 containers");
  }

  @Test
  void answersCreateContainerWithTheAdjustmentOrNothing() throws Exception {
    PodSandbox pod = PodSandbox.newBuilder().setName("web").setNamespace("default").build();

    CreateContainerResponse targeted =
        runtime.createContainer(
            CreateContainerRequest.newBuilder()
                .setPod(pod)
                .setContainer(Container.newBuilder().setId("c1").setName("target"))
                .build());
    ContainerAdjustment adjust = targeted.getAdjust();
    assertThat(adjust.getMountsList())
        .extracting(Mount::getDestination)
        .containsExactly("-/sys/fs/cgroup", "/sys/fs/cgroup");
    assertThat(adjust.getMounts(1).getOptionsList()).containsExactly("ro");
    assertThat(adjust.getMounts(1).getType()).isEqualTo("cgroup");
    assertThat(adjust.getLinux().getNamespacesList())
        .extracting(LinuxNamespace::getType)
        .containsExactly("cgroup");

    CreateContainerResponse other =
        runtime.createContainer(
            CreateContainerRequest.newBuilder()
                .setPod(pod)
                .setContainer(Container.newBuilder().setId("c2").setName("other"))
                .build());
    assertThat(other).isEqualTo(CreateContainerResponse.getDefaultInstance());
  }

  @Test
  void aThrowingCallbackIsAnErrorStatusAndTheConnectionStaysUp() throws Exception {
    assertThatThrownBy(
            () ->
                runtime.createContainer(
                    CreateContainerRequest.newBuilder()
                        .setContainer(Container.newBuilder().setName("refused"))
                        .build()))
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> {
              assertThat(e.code()).isEqualTo(RpcStatus.FAILED_PRECONDITION);
              assertThat(e.getMessage()).contains("refused on purpose");
            });

    assertThat(
            runtime.createContainer(
                CreateContainerRequest.newBuilder()
                    .setContainer(Container.newBuilder().setName("target"))
                    .build()))
        .matches(CreateContainerResponse::hasAdjust);
  }

  @Test
  void anAnswerOverTheLimitIsAnErrorStatusAndTheConnectionStaysUp() throws Exception {
    assertThatThrownBy(
            () ->
                runtime.createContainer(
                    CreateContainerRequest.newBuilder()
                        .setContainer(Container.newBuilder().setName("huge"))
                        .build()))
        .isInstanceOfSatisfying(
            RpcException.class, e -> assertThat(e.code()).isEqualTo(RpcStatus.RESOURCE_EXHAUSTED));
    assertThat(connection.closed()).isNotDone();
  }

  @Test
  void deliversStateChangesAndAnswersUnknownMethodsUnimplemented() throws Exception {
    runtime.call(
        NriServices.STATE_CHANGE,
        StateChangeEvent.newBuilder()
            .setEvent(Event.REMOVE_CONTAINER)
            .setContainer(Container.newBuilder().setId("gone"))
            .build(),
        Empty.parser());
    assertThat(seen).contains("removed gone");

    assertThatThrownBy(
            () -> runtime.call("NoSuchMethod", Empty.getDefaultInstance(), Empty.parser()))
        .isInstanceOfSatisfying(
            RpcException.class, e -> assertThat(e.code()).isEqualTo(RpcStatus.UNIMPLEMENTED));
  }

  @Test
  void callsTheRuntimeForUnsolicitedUpdates() throws Exception {
    List<ContainerUpdate> failed =
        connection.updateContainers(
            List.of(ContainerUpdate.newBuilder().setContainerId("c1").build()), List.of());
    assertThat(failed).isEmpty();
    assertThat(runtime.unsolicitedUpdates())
        .singleElement()
        .satisfies(update -> assertThat(update.getUpdate(0).getContainerId()).isEqualTo("c1"));
  }

  @Test
  void theRuntimeClosingEndsTheConnectionCleanly() throws Exception {
    runtime.trunk().close();
    await().atMost(Duration.ofSeconds(10)).until(() -> connection.closed().isDone());
    assertThat(connection.closed().get()).isEmpty();
  }
}
