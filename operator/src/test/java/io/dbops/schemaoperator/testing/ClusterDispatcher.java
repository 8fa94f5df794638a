package io.dbops.schemaoperator.testing;

import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRuleBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectRulesReviewStatusBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import java.net.HttpURLConnection;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * fabric8's CRUD dispatcher, plus the one question an API server answers rather than stores: a
 * SelfSubjectRulesReview (java-operator-sdk asks one before leader election; the stock dispatcher
 * would store it and answer without a status). The answer is what the Helm chart, rendered for the
 * asking client ({@link #rbac}), grants it in the asked namespace, and nothing more. Every request it answers goes to the
 * listener, with the answer's status code. Writes to paths a test has {@linkplain #forbid forbidden}
 * are refused as RBAC refuses them, with 403 Forbidden, and a test may {@linkplain #refuse refuse}
 * other requests as an API server would.
 */
class ClusterDispatcher extends KubernetesCrudDispatcher {
  private static final String RULES_REVIEWS = "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews";
  private final Set<String> forbidden = ConcurrentHashMap.newKeySet();
  private volatile Consumer<ApiCall> listener = call -> {};
  private volatile Function<RecordedRequest, Optional<MockResponse>> refusals = request -> Optional.empty();
  private volatile Function<String, ChartRbac> rbac = userAgent -> ChartRbac.ofDefaultChart();

  void listener(Consumer<ApiCall> listener) {
    this.listener = listener;
  }

  /**
   * Requests {@code answers} gives a response for get that response instead, as from an API server
   * that refuses them (422 Invalid, 403 over a quota); the others are stored as usual.
   */
  void refuse(Function<RecordedRequest, Optional<MockResponse>> answers) {
    this.refusals = answers;
  }

  /** The chart's RBAC as installed for the client that names itself {@code userAgent}: the default chart unless said. */
  void rbac(Function<String, ChartRbac> byUserAgent) {
    this.rbac = byUserAgent;
  }

  /** From now on, every update and patch of exactly this path is refused. */
  void forbid(String path) {
    forbidden.add(path);
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    // Read before dispatching: the dispatcher's own read of the body empties the buffer.
    byte[] bytes = request.getBody() == null ? new byte[0] : request.getBody().getBytes();
    String body = bytes.length == 0 ? null : new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    MockResponse response = refusals.apply(request).orElseGet(() -> super.dispatch(request));
    listener.accept(new ApiCall(request.getMethod(), request.getPath(), request.getHeader("User-Agent"), body,
        response == null ? 404 : response.code()));
    return response;
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
    SubjectRulesReviewStatusBuilder status = new SubjectRulesReviewStatusBuilder().withIncomplete(false);
    for (PolicyRule rule : rbac.apply(request.getHeader("User-Agent")).rulesIn(review.getSpec().getNamespace())) {
      status.addToResourceRules(new ResourceRuleBuilder().withApiGroups(rule.getApiGroups()).withResources(rule.getResources())
          .withResourceNames(rule.getResourceNames()).withVerbs(rule.getVerbs()).build());
    }
    review.setStatus(status.build());
    return new MockResponse().setResponseCode(HttpURLConnection.HTTP_CREATED).setBody(Serialization.asJson(review));
  }
}
