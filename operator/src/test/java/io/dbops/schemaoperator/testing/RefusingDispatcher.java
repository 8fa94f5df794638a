package io.dbops.schemaoperator.testing;

import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.Optional;
import java.util.function.Function;

/**
 * The cluster's dispatcher, except that a request {@code refusals} answers for gets that answer
 * instead: how a test plays an API server that refuses a create (422 Invalid, 403 over a quota).
 */
final class RefusingDispatcher extends ClusterDispatcher {
  private final Function<RecordedRequest, Optional<MockResponse>> refusals;

  RefusingDispatcher(Function<RecordedRequest, Optional<MockResponse>> refusals) {
    this.refusals = refusals;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    return refusals.apply(request).orElseGet(() -> super.dispatch(request));
  }
}
