package io.dbops.schemaoperator.testing;

import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRuleBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectRulesReviewStatusBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import java.net.HttpURLConnection;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * fabric8's CRUD dispatcher, plus the one question an API server answers rather than stores: a
 * SelfSubjectRulesReview (java-operator-sdk asks one before leader election; the stock dispatcher
 * would store it and answer without a status). The answer is what the Helm chart's leader-election
 * Role grants the operator in the asked namespace, and nothing more. Writes to paths a test has
 * {@linkplain #forbid forbidden} are refused as RBAC refuses them, with 403 Forbidden.
 */
class ClusterDispatcher extends KubernetesCrudDispatcher {
  private static final String RULES_REVIEWS = "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews";
  private final Set<String> forbidden = ConcurrentHashMap.newKeySet();

  /** From now on, every update and patch of exactly this path is refused. */
  void forbid(String path) {
    forbidden.add(path);
  }

  @Override
  public MockResponse handleUpdate(RecordedRequest request) {
    return isForbidden(request) ? forbiddenResponse(request) : super.handleUpdate(request);
  }

  @Override
  public MockResponse handlePatch(RecordedRequest request) {
    return isForbidden(request) ? forbiddenResponse(request) : super.handlePatch(request);
  }

  private boolean isForbidden(RecordedRequest request) {
    String path = request.getPath();
    int query = path.indexOf('?');
    return forbidden.contains(query < 0 ? path : path.substring(0, query));
  }

  private static MockResponse forbiddenResponse(RecordedRequest request) {
    Status status = new StatusBuilder().withStatus("Failure").withReason("Forbidden").withCode(HttpURLConnection.HTTP_FORBIDDEN)
        .withMessage("forbidden: the operator's ServiceAccount cannot " + request.getMethod().toLowerCase(Locale.ROOT) + " "
            + request.getPath())
        .build();
    return new MockResponse().setResponseCode(HttpURLConnection.HTTP_FORBIDDEN).setBody(Serialization.asJson(status));
  }

  @Override
  public MockResponse handleCreate(RecordedRequest request) {
    if (!request.getPath().startsWith(RULES_REVIEWS)) {
      return super.handleCreate(request);
    }
    SelfSubjectRulesReview review = Serialization.unmarshal(request.getUtf8Body(), SelfSubjectRulesReview.class);
    review.setStatus(new SubjectRulesReviewStatusBuilder()
        .withIncomplete(false)
        .addToResourceRules(new ResourceRuleBuilder()
            .withApiGroups("coordination.k8s.io")
            .withResources("leases")
            .withVerbs("get", "create", "update")
            .build())
        .build());
    return new MockResponse().setResponseCode(HttpURLConnection.HTTP_CREATED).setBody(Serialization.asJson(review));
  }
}
