package dev.cgroupns.agent.daemon.results;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cgroupns.agent.daemon.engine.ContainerFacts;
import dev.cgroupns.agent.daemon.engine.EngineOutcome;
import dev.cgroupns.agent.daemon.engine.EngineOutcome.Kind;
import dev.cgroupns.agent.daemon.engine.FailureReason;
import dev.cgroupns.agent.daemon.targets.ContainerTarget;
import dev.cgroupns.agent.inspect.CgroupNamespace;
import dev.cgroupns.api.v1alpha1.ApiGroup;
import dev.cgroupns.api.v1alpha1.AtCreationState;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNodeSpec;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNodeStatus;
import dev.cgroupns.api.v1alpha1.CgroupPaths;
import dev.cgroupns.api.v1alpha1.CgroupVersion;
import dev.cgroupns.api.v1alpha1.ContainerResult;
import dev.cgroupns.api.v1alpha1.ContainerView;
import dev.cgroupns.api.v1alpha1.MountState;
import dev.cgroupns.api.v1alpha1.MountView;
import dev.cgroupns.api.validation.CrdValidator;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The statuses the agent writes pass the CRD's schema and rules as an API server applies them: a
 * full node (the schema's maximum of containers, every outcome, hostile engine messages).
 */
class StatusSchemaTest {
  private static final CrdValidator VALIDATOR = CrdValidator.forCommittedCrds();

  @Test
  void aFullNodesStatusIsAdmitted() {
    List<ContainerResult> results = new ArrayList<>();
    Kind[] kinds = {Kind.ISOLATED, Kind.ALREADY_PRIVATE, Kind.WOULD_CHANGE, Kind.FAILED};
    for (int i = 0; i < CgroupIsolationNodeStatus.MAX_CONTAINERS + 5; i++) {
      String id = String.format("%064x", i);
      String uid = String.format("%08x-0000-0000-0000-%012x", i, i);
      ContainerTarget target =
          new ContainerTarget(
              "pod-" + "x".repeat(200) + i, uid, "c", "containerd://" + id, id, true, false);
      Kind kind = kinds[i % kinds.length];
      EngineOutcome outcome =
          kind == Kind.FAILED
              ? EngineOutcome.failed(
                  FailureReason.MountFailed, (long) i, null, "EPERM\n\u0000 ".repeat(200))
              : EngineOutcome.of(kind, (long) i + 1, facts(id), "remount ".repeat(100));
      results.add(OutcomeMapper.applied(target, outcome, Optional.empty(), false, false).result());
    }
    CgroupIsolationNodeStatus status =
        StatusAssembler.assemble(
            null,
            results,
            3L,
            "agent-pod",
            "2026-11-29T07:00:00Z",
            new AtCreationState(false, "r".repeat(AtCreationState.MAX_REASON + 50)),
            Instant.now());

    CgroupIsolationNode object = object();
    JsonNode before = Serialization.jsonMapper().valueToTree(object);
    object.setStatus(status);
    JsonNode after = Serialization.jsonMapper().valueToTree(object);

    assertThat(VALIDATOR.validateUpdate(before, after)).isEmpty();

    // The validator does look: an unbounded message would be refused.
    status.containers.get(0).message = "m".repeat(Messages.MAX_CHARS + 1);
    assertThat(VALIDATOR.validateUpdate(before, Serialization.jsonMapper().valueToTree(object)))
        .isNotEmpty();
  }

  private static ContainerFacts facts(String id) {
    ContainerView view = new ContainerView();
    view.procSelfCgroup = List.of(new CgroupPaths("/kubepods/burstable/pod/" + id));
    view.mounts =
        List.of(
            new MountView("/sys/fs/cgroup/{cpu,memory,pids}", "/", true, false),
            new MountView("/sys/fs/cgroup/unified", "/", true, false));
    return new ContainerFacts(
        CgroupVersion.Hybrid,
        List.of(new CgroupPaths("/kubepods/burstable/pod/" + id)),
        view,
        CgroupNamespace.HOST,
        MountState.ReadOnly);
  }

  private static CgroupIsolationNode object() {
    CgroupIsolationNode object = new CgroupIsolationNode();
    object.getMetadata().setNamespace("team");
    object.getMetadata().setName("iso-node-a");
    object.getMetadata().setGeneration(3L);
    object.getMetadata().setLabels(Map.of(ApiGroup.NODE_LABEL, "node-a"));
    CgroupIsolationNodeSpec spec = new CgroupIsolationNodeSpec();
    spec.nodeName = "node-a";
    spec.isolationName = "iso";
    object.setSpec(spec);
    return object;
  }
}
