package io.dbops.schemaoperator.testing;

import java.util.Arrays;
import java.util.Optional;

/**
 * One request the mock API server answered: who sent it (its user agent), what it asked, the body
 * it sent, and the status code of the answer.
 *
 * @param body the request's body; null when it had none
 */
public record ApiCall(String method, String path, String userAgent, String body, int status) {

  /** A 2xx answer: the request did what it asked. A 409 conflict, for one, wrote nothing. */
  public boolean succeeded() {
    return status >= 200 && status < 300;
  }

  /** The request as RBAC sees it; empty for URLs that name no resource (discovery, /version). */
  public Optional<ResourceRequest> resourceRequest() {
    int q = path.indexOf('?');
    String query = q < 0 ? "" : path.substring(q + 1);
    String[] parts = Arrays.stream((q < 0 ? path : path.substring(0, q)).split("/")).filter(s -> !s.isEmpty())
        .toArray(String[]::new);
    String group;
    int rest;
    if (parts.length >= 2 && parts[0].equals("api")) {
      group = "";
      rest = 2;
    } else if (parts.length >= 3 && parts[0].equals("apis")) {
      group = parts[1];
      rest = 3;
    } else {
      return Optional.empty();
    }
    if (parts.length == rest) {
      return Optional.empty();
    }
    String namespace = "";
    // /api/v1/namespaces/{ns}/{resource}...; /api/v1/namespaces and /api/v1/namespaces/{ns} name the Namespace itself.
    if (parts[rest].equals("namespaces") && parts.length >= rest + 3) {
      namespace = parts[rest + 1];
      rest += 2;
    }
    String resource = parts[rest];
    String name = parts.length > rest + 1 ? parts[rest + 1] : "";
    String subresource = parts.length > rest + 2 ? parts[rest + 2] : "";
    boolean watch = query.matches("(^|.*&)watch=(true|1)(&.*|$)");
    String verb = switch (method) {
      case "GET" -> watch ? "watch" : name.isEmpty() ? "list" : "get";
      case "POST" -> "create";
      case "PUT" -> "update";
      case "PATCH" -> "patch";
      case "DELETE" -> name.isEmpty() ? "deletecollection" : "delete";
      default -> method.toLowerCase(java.util.Locale.ROOT);
    };
    return Optional.of(new ResourceRequest(verb, group, resource, subresource, namespace, name));
  }

  /**
   * The attributes an authorizer checks.
   *
   * @param namespace empty for a cluster-scoped resource and for a list or watch across all namespaces
   */
  public record ResourceRequest(String verb, String group, String resource, String subresource, String namespace,
      String name) {

    /** "resource" or "resource/subresource", as a Role's rules name it. */
    public String rbacResource() {
      return subresource.isEmpty() ? resource : resource + "/" + subresource;
    }

    /** "verb group/resource[/subresource]", the group empty for the core API. */
    public String describe() {
      return verb + " " + group + "/" + rbacResource();
    }
  }
}
