package dev.cgroupns.e2e.election;

import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRuleBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectRulesReviewStatusBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

/**
 * fabric8's CRUD dispatcher, answering SelfSubjectRulesReviews as an API server does instead of
 * storing them: JOSDK asks for one before it elects a leader and refuses to start without the Lease
 * verbs in the answer. The answer grants what the operator's Role grants on Leases; RBAC itself is
 * the deploy tests' subject, not this one's.
 */
final class RulesReviewAnsweringDispatcher extends KubernetesCrudDispatcher {
  private static final String PATH = "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews";
  private final KubernetesSerialization json = new KubernetesSerialization();

  @Override
  public MockResponse handleCreate(RecordedRequest request) {
    if (!request.getPath().startsWith(PATH)) {
      return super.handleCreate(request);
    }
    SelfSubjectRulesReview review =
        json.unmarshal(request.getUtf8Body(), SelfSubjectRulesReview.class);
    review.setStatus(
        new SubjectRulesReviewStatusBuilder()
            .withIncomplete(false)
            .addToResourceRules(
                new ResourceRuleBuilder()
                    .withApiGroups("coordination.k8s.io")
                    .withResources("leases")
                    .withVerbs("get", "create", "update", "patch")
                    .build())
            .build());
    return new MockResponse().setResponseCode(201).setBody(json.asJson(review));
  }
}
