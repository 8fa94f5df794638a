package io.dbops.schemaoperator.hostile;

import com.fasterxml.jackson.databind.JsonNode;
import io.dbops.schemaoperator.model.CrdValidator;
import io.dbops.schemaoperator.testing.MockCluster;
import io.dbops.schemaoperator.testing.Namespace;
import io.dbops.schemaoperator.testing.Tripwire;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The namespace one operator row writes its input into, with what the row needs to point at: the
 * real PostgreSQL (and the login it accepts), a tripwire port of its own that no database listens on, and an
 * identifier ({@link #id()}) that names the row's database and schema, so that whatever the
 * operator might have applied for it can be looked for afterwards. It remembers every object the
 * row created, so that anything else found there later was made by someone else.
 */
final class RowNamespace {
  /** The login PostgreSQL accepts for role {@value #USER}. */
  static final String USER = "app";
  /** The database the schema rows' good connection points at. */
  static final String DATABASE = "hostile";

  private final MockCluster cluster;
  private final String name;
  private final String id;
  private final int postgresPort;
  private final Tripwire tripwire;
  private final String password;
  private final List<JsonNode> ourDocuments = new ArrayList<>();
  private final Map<String, Set<String>> created = Map.of(
      "ConfigMap", new TreeSet<>(), "Secret", new TreeSet<>(), "StatefulSet", new TreeSet<>(), "Service", new TreeSet<>(),
      "Job", new TreeSet<>());

  RowNamespace(MockCluster cluster, String name, String id, int postgresPort, Tripwire tripwire, String password) {
    this.cluster = cluster;
    this.name = name;
    this.id = id;
    this.postgresPort = postgresPort;
    this.tripwire = tripwire;
    this.password = password;
  }

  String name() {
    return name;
  }

  /** A SQL identifier of this row alone (hostile_07): its database's and schema's name. */
  String id() {
    return id;
  }

  int postgresPort() {
    return postgresPort;
  }

  /** Where the row's hostile hosts, ports and URLs point: nothing may connect there. */
  int tripwirePort() {
    return tripwire.port();
  }

  Tripwire tripwire() {
    return tripwire;
  }

  String password() {
    return password;
  }

  /** kubectl create -f, as the tenant would; our kinds are remembered, to be checked against the CRDs. */
  void create(String yaml) {
    for (JsonNode document : CrdValidator.documents(yaml)) {
      String kind = document.path("kind").asText();
      if (document.path("apiVersion").asText().startsWith("dbops.io/")) {
        ourDocuments.add(document);
      } else if (created.containsKey(kind)) {
        created.get(kind).add(document.at("/metadata/name").asText());
      }
    }
    new Namespace(cluster.client(), name).create(yaml);
  }

  /** A Secret with these values as text. */
  void secret(String secretName, Map<String, String> values) {
    cluster.secret(name, secretName, values);
    created.get("Secret").add(secretName);
  }

  /** A Secret with these bytes as its data: values no text field could carry. */
  void rawSecret(String secretName, Map<String, byte[]> values) {
    SecretBuilder secret = new SecretBuilder().withNewMetadata().withName(secretName).withNamespace(name).endMetadata();
    values.forEach((key, bytes) -> secret.addToData(key, Base64.getEncoder().encodeToString(bytes)));
    cluster.client().secrets().inNamespace(name).resource(secret.build()).create();
    created.get("Secret").add(secretName);
  }

  /**
   * Stores one of our resources as JSON straight into the API server's store, past the model
   * classes and the CRD's rules, as an object admitted by an older CRD would be stored.
   */
  void storePastTheCrd(String kind, String resourceName, String specJson) {
    String json = """
        {"apiVersion": "dbops.io/v1alpha1", "kind": "%s", "metadata": {"name": "%s", "namespace": "%s"}, "spec": %s}"""
        .formatted(kind, resourceName, name, specJson);
    GenericKubernetesResource resource = Serialization.unmarshal(json, GenericKubernetesResource.class);
    ourDocuments.add(Serialization.jsonMapper().valueToTree(resource));
    cluster.client().genericKubernetesResources("dbops.io/v1alpha1", kind).inNamespace(name).resource(resource).create();
  }

  /** Secret app-db with the login PostgreSQL accepts, and a connection app-db to its database {@value #DATABASE}. */
  void goodConnection() {
    secret("app-db", Map.of("username", USER, "password", password));
    create("""
        apiVersion: dbops.io/v1alpha1
        kind: DatabaseConnection
        metadata: {name: app-db}
        spec:
          engine: postgres
          host: 127.0.0.1
          port: %d
          database: %s
          credentials: {secretName: app-db}
          tls: {mode: disable}
        """.formatted(postgresPort, DATABASE));
  }

  /** Our resources as the row wrote them, for the CRD check. */
  List<JsonNode> ourDocuments() {
    return List.copyOf(ourDocuments);
  }

  /** Names of the objects of {@code kind} (ConfigMap, Secret, StatefulSet, Service, Job) the row created itself. */
  Set<String> created(String kind) {
    return Set.copyOf(created.get(kind));
  }

  /** Remembers an object the row created through the client directly. */
  void createdItself(String kind, String objectName) {
    created.get(kind).add(objectName);
  }

  MockCluster cluster() {
    return cluster;
  }
}
