package dev.cgroupns.deploy;

import static dev.cgroupns.deploy.AdmissionPolicyEvaluator.Outcome.ALLOWED;
import static dev.cgroupns.deploy.AdmissionPolicyEvaluator.Outcome.DENIED;
import static dev.cgroupns.deploy.AdmissionPolicyEvaluator.Outcome.NOT_MATCHED;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cgroupns.api.v1alpha1.ApiGroup;
import dev.cgroupns.api.v1alpha1.LabelValues;
import dev.cgroupns.deploy.AdmissionPolicyEvaluator.Decision;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ValidatingAdmissionPolicy that confines each node agent to its own node's CgroupIsolationNode
 * objects, evaluated on the requests it must allow, deny and leave alone.
 */
class NodeScopePolicyTest {

  private static final String POLICY = "cgroup-isolation-node-agent-own-node";
  private static final String NODE_CLAIM = "authentication.kubernetes.io/node-name";
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Rendered base;
  private static AdmissionPolicyEvaluator policy;
  private static String agentUser;

  @BeforeAll
  static void renderPolicy() {
    base = Kustomize.render(RepositoryLayout.base());
    policy = new AdmissionPolicyEvaluator(base.get("ValidatingAdmissionPolicy", POLICY));
    JsonNode agent = base.get("ServiceAccount", RbacTableTest.AGENT_SA);
    // The policy must name the ServiceAccount the DaemonSet really runs as.
    agentUser = "system:serviceaccount:" + Rendered.namespace(agent) + ":" + Rendered.name(agent);
  }

  @Test
  void theAgentMayReportResultsForItsOwnNode() {
    Decision d =
        policy.admit(statusPatch(agent("node-a")), nodeObject("node-a"), nodeObject("node-a"));
    assertThat(d.outcome()).isEqualTo(ALLOWED);
  }

  @Test
  void theAgentMayNotReportResultsForAnotherNode() {
    Decision d =
        policy.admit(statusPatch(agent("node-a")), nodeObject("node-b"), nodeObject("node-b"));
    assertThat(d.outcome()).isEqualTo(DENIED);
    assertThat(d.message()).contains("node-a").contains("its own node");
  }

  @Test
  void theObjectsSpecNodeNameDecides() {
    ObjectNode otherNode = nodeObject("node-a");
    ((ObjectNode) otherNode.path("spec")).put("nodeName", "node-b");
    assertThat(policy.admit(statusPatch(agent("node-a")), otherNode, otherNode).outcome())
        .isEqualTo(DENIED);

    ObjectNode noNodeName = nodeObject("node-a");
    ((ObjectNode) noNodeName.path("spec")).remove("nodeName");
    assertThat(policy.admit(statusPatch(agent("node-a")), noNodeName, noNodeName).outcome())
        .isEqualTo(DENIED);
  }

  @Test
  void anAgentOnANodeWithTheLongestNameMayReportForItsOwnNodeOnly() {
    // 253 characters, the longest node name; its cgroupns.dev/node label is a shortened form.
    String prefix = ("n".repeat(63) + ".").repeat(3) + "n".repeat(60);
    String nodeA = prefix + "a";
    String nodeB = prefix + "b";
    assertThat(nodeA).hasSize(253);
    assertThat(LabelValues.ofName(nodeA)).isNotEqualTo(nodeA);

    assertThat(policy.admit(statusPatch(agent(nodeA)), nodeObject(nodeA), nodeObject(nodeA)))
        .extracting(Decision::outcome)
        .isEqualTo(ALLOWED);
    assertThat(policy.admit(statusPatch(agent(nodeA)), nodeObject(nodeB), nodeObject(nodeB)))
        .extracting(Decision::outcome)
        .isEqualTo(DENIED);
  }

  @Test
  void theAgentCannotMoveAnotherNodesObjectOntoItsOwn() {
    Decision d = policy.admit(update(agent("node-a")), nodeObject("node-a"), nodeObject("node-b"));
    assertThat(d.outcome()).isEqualTo(DENIED);
  }

  @Test
  void createAndDeleteAreConfinedToo() {
    assertThat(policy.admit(create(agent("node-a")), nodeObject("node-b"), null).outcome())
        .isEqualTo(DENIED);
    assertThat(policy.admit(delete(agent("node-a")), null, nodeObject("node-b")).outcome())
        .isEqualTo(DENIED);
    // Not that RBAC lets it, but the policy would not be what stops it.
    assertThat(policy.admit(delete(agent("node-a")), null, nodeObject("node-a")).outcome())
        .isEqualTo(ALLOWED);
  }

  @Test
  void anAgentTokenWithoutTheNodeClaimIsDeniedWithAPointerToTheFallback() {
    ObjectNode noExtra = agent("node-a");
    noExtra.remove("extra");
    Decision d = policy.admit(statusPatch(noExtra), nodeObject("node-a"), nodeObject("node-a"));
    assertThat(d.outcome()).isEqualTo(DENIED);
    assertThat(d.message()).contains(NODE_CLAIM).contains("fallback");

    ObjectNode otherExtra = agent("node-a");
    otherExtra.putObject("extra").putArray("authentication.kubernetes.io/pod-name").add("agent-x");
    assertThat(
            policy
                .admit(statusPatch(otherExtra), nodeObject("node-a"), nodeObject("node-a"))
                .outcome())
        .isEqualTo(DENIED);
  }

  @Test
  void otherUsersAreLeftToRbac() {
    ObjectNode operator =
        user("system:serviceaccount:cgroup-isolation-system:cgroup-isolation-operator");
    assertThat(policy.admit(update(operator), nodeObject("node-b"), nodeObject("node-b")).outcome())
        .isEqualTo(NOT_MATCHED);
    assertThat(policy.admit(create(user("alice")), nodeObject("node-b"), null).outcome())
        .isEqualTo(NOT_MATCHED);
    // An account with the agent's name in another namespace is not the agent.
    ObjectNode impostor = user("system:serviceaccount:tenant:cgroup-isolation-node-agent");
    impostor.putObject("extra").putArray(NODE_CLAIM).add("node-a");
    assertThat(policy.admit(update(impostor), nodeObject("node-b"), nodeObject("node-b")).outcome())
        .isEqualTo(NOT_MATCHED);
  }

  @Test
  void otherResourcesAreNotMatched() {
    ObjectNode request = statusPatch(agent("node-a"));
    ((ObjectNode) request.path("resource")).put("resource", "cgroupisolations");
    assertThat(policy.admit(request, nodeObject("node-b"), nodeObject("node-b")).outcome())
        .isEqualTo(NOT_MATCHED);
  }

  @Test
  void theBindingEnforcesThePolicy() {
    JsonNode binding = base.get("ValidatingAdmissionPolicyBinding", POLICY);
    assertThat(binding.path("spec").path("policyName").asText()).isEqualTo(POLICY);
    assertThat(binding.path("spec").path("validationActions").toString()).contains("Deny");
    assertThat(
            base.get("ValidatingAdmissionPolicy", POLICY)
                .path("spec")
                .path("failurePolicy")
                .asText())
        .isEqualTo("Fail");
  }

  private static ObjectNode agent(String node) {
    ObjectNode user = user(agentUser);
    user.putObject("extra").putArray(NODE_CLAIM).add(node);
    return user;
  }

  private static ObjectNode user(String name) {
    ObjectNode user = JSON.createObjectNode();
    user.put("username", name);
    user.putArray("groups").add("system:authenticated");
    return user;
  }

  private static ObjectNode statusPatch(ObjectNode user) {
    ObjectNode request = request("UPDATE", user);
    request.put("subResource", "status");
    return request;
  }

  private static ObjectNode update(ObjectNode user) {
    return request("UPDATE", user);
  }

  private static ObjectNode create(ObjectNode user) {
    return request("CREATE", user);
  }

  private static ObjectNode delete(ObjectNode user) {
    return request("DELETE", user);
  }

  private static ObjectNode request(String operation, ObjectNode user) {
    ObjectNode request = JSON.createObjectNode();
    request.put("operation", operation);
    ObjectNode resource = request.putObject("resource");
    resource.put("group", "cgroupns.dev");
    resource.put("version", "v1alpha1");
    resource.put("resource", "cgroupisolationnodes");
    request.set("userInfo", user);
    return request;
  }

  private static ObjectNode nodeObject(String node) {
    ObjectNode object = JSON.createObjectNode();
    object.put("apiVersion", "cgroupns.dev/v1alpha1");
    object.put("kind", "CgroupIsolationNode");
    ObjectNode metadata = object.putObject("metadata");
    metadata.put("name", "demo-" + node);
    metadata.put("namespace", "default");
    ObjectNode labels = metadata.putObject("labels");
    // As the operator labels it (DesiredNodeObjects).
    labels.put(ApiGroup.NODE_LABEL, LabelValues.ofName(node));
    labels.put(ApiGroup.ISOLATION_LABEL, "demo");
    ObjectNode spec = object.putObject("spec");
    spec.put("nodeName", node);
    spec.put("isolationName", "demo");
    return object;
  }
}
