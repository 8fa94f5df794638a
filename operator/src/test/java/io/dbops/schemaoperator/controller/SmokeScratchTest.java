package io.dbops.schemaoperator.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbops.schemaoperator.model.DatabaseConnection;
import io.dbops.schemaoperator.model.DatabaseSchema;
import io.dbops.schemaoperator.runtime.OperatorSettings;
import io.dbops.schemaoperator.runtime.SchemaOperator;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.FileInputStream;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class SmokeScratchTest {
  static KubernetesClient client;
  static KubernetesMockServer server;

  @Test
  void smoke() throws Exception {
    for (String f : new String[] {"databaseconnections.dbops.io-v1.yml", "databaseschemas.dbops.io-v1.yml"}) {
      try (FileInputStream in = new FileInputStream(Path.of("..", "crds", f).toFile())) {
        CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().load(in).item();
        client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
      }
    }
    try (EmbeddedPostgres pg = EmbeddedPostgres.start()) {
      client.load(new java.io.ByteArrayInputStream(("""
          apiVersion: v1
          kind: Secret
          metadata: {name: app-db, namespace: default}
          stringData: {username: postgres, password: postgres}
          ---
          apiVersion: dbops.io/v1alpha1
          kind: DatabaseConnection
          metadata: {name: app-db, namespace: default}
          spec:
            engine: postgres
            host: 127.0.0.1
            port: %d
            database: app
            createDatabase: true
            credentials: {secretName: app-db}
            tls: {mode: disable}
          """.formatted(pg.getPort())).getBytes())).inNamespace("default").create();
      client.resources(DatabaseSchema.class).inNamespace("default").load(
          Path.of("..", "examples", "quickstart", "schema.yaml").toFile()).create();
      try (SchemaOperator op = SchemaOperator.start(client, new OperatorSettings(Set.of(), null, 2, "schema-operator:test", false, "default", -1))) {
        for (int i = 0; i < 20; i++) {
          TimeUnit.MILLISECONDS.sleep(500);
          DatabaseConnection c = client.resources(DatabaseConnection.class).inNamespace("default").withName("app-db").get();
          DatabaseSchema s = client.resources(DatabaseSchema.class).inNamespace("default").withName("app-schema").get();
          System.out.println("CONN " + (c.getStatus() == null ? null : io.fabric8.kubernetes.client.utils.Serialization.asJson(c.getStatus())));
          System.out.println("SCHEMA " + (s.getStatus() == null ? null : io.fabric8.kubernetes.client.utils.Serialization.asJson(s.getStatus())));
          System.out.println("JOBS " + client.batch().v1().jobs().inNamespace("default").list().getItems().stream().map(j -> j.getMetadata().getName()).toList());
          if (!client.batch().v1().jobs().inNamespace("default").list().getItems().isEmpty()) break;
        }
        assertThat(client.batch().v1().jobs().inNamespace("default").list().getItems()).hasSize(1);
      }
    }
  }
}
