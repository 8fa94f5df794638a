package io.dbops.schemaoperator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

@ValidationRule(
    value = "(has(self.inline) && size(self.inline) > 0) || (has(self.configMapRefs) && size(self.configMapRefs) > 0) || has(self.image)",
    message = "give at least one migration source: inline, configMapRefs or image")
// Characters, not bytes (CEL's size of a string): for SQL in ASCII the two agree, and the operator
// checks the bytes as well before it makes the ConfigMap.
@ValidationRule(
    value = "!has(self.inline) || self.inline.map(m, size(m.name) + size(m.sql)).sum() <= " + Migrations.MAX_INLINE_CHARACTERS,
    message = "spec.migrations.inline holds more SQL than the one ConfigMap that carries it to the Job can (1 MiB):"
        + " move scripts to configMapRefs (several ConfigMaps if need be) or ship them in image")
public class Migrations {
  /** What one ConfigMap's data may hold. */
  public static final int MAX_INLINE_CHARACTERS = 1024 * 1024;

  @Size(max = 250)
  @ListMapKeys("name")
  @JsonPropertyDescription("Scripts written here, each a file name and its SQL; for small sets (at most 1 MiB in"
      + " all). Names are unique.")
  private List<InlineMigration> inline = new ArrayList<>();

  @JsonPropertyDescription("ConfigMaps in this namespace whose keys are Flyway file names and values the SQL, e.g."
      + " from kubectl create configmap app-migrations --from-file=db/migration/.")
  private List<ConfigMapRef> configMapRefs = new ArrayList<>();

  @JsonPropertyDescription("Scripts shipped inside an application image, copied out by an init container.")
  private ImageSource image;

  public List<InlineMigration> getInline() { return inline; }
  public void setInline(List<InlineMigration> inline) { this.inline = inline; }
  public List<ConfigMapRef> getConfigMapRefs() { return configMapRefs; }
  public void setConfigMapRefs(List<ConfigMapRef> configMapRefs) { this.configMapRefs = configMapRefs; }
  public ImageSource getImage() { return image; }
  public void setImage(ImageSource image) { this.image = image; }
}
