package io.dbops.schemaoperator.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.jse.JsePlatform;

/**
 * Runs the Argo CD health checks the chart ships (helm/schema-operator/files/argocd/*.lua) the way
 * Argo CD does: the resource as a global table {@code obj}, the script returning a table with
 * {@code status} and {@code message}.
 */
public final class ArgoHealth {
  public static final Path SCRIPTS = Path.of("..", "helm", "schema-operator", "files", "argocd");
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  public record Health(String status, String message) {}

  private ArgoHealth() {}

  public static Health of(HasMetadata resource) {
    return of(resource.getKind(), SERIALIZATION.convertValue(resource, JsonNode.class));
  }

  public static Health of(String kind, JsonNode object) {
    String script = script(kind);
    Globals globals = JsePlatform.standardGlobals();
    globals.set("obj", lua(object));
    LuaValue result = globals.load(script, kind + ".lua").call();
    return new Health(result.get("status").tojstring(), result.get("message").isnil() ? null : result.get("message").tojstring());
  }

  public static String script(String kind) {
    try {
      return Files.readString(SCRIPTS.resolve("health-" + kind.toLowerCase() + ".lua"));
    } catch (IOException e) {
      throw new UncheckedIOException("no Argo CD health check for " + kind, e);
    }
  }

  /** JSON as Argo CD hands it to Lua: objects and arrays become tables (arrays 1-based), null stays absent. */
  private static LuaValue lua(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return LuaValue.NIL;
    }
    if (node.isObject()) {
      LuaTable table = new LuaTable();
      for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
        Map.Entry<String, JsonNode> field = fields.next();
        table.set(field.getKey(), lua(field.getValue()));
      }
      return table;
    }
    if (node.isArray()) {
      LuaTable table = new LuaTable();
      for (int i = 0; i < node.size(); i++) {
        table.set(i + 1, lua(node.get(i)));
      }
      return table;
    }
    if (node.isBoolean()) {
      return LuaValue.valueOf(node.booleanValue());
    }
    if (node.isNumber()) {
      return LuaValue.valueOf(node.doubleValue());
    }
    return LuaValue.valueOf(node.asText());
  }
}
