package io.dbops.schemaoperator.model;

import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

@ValidationRule(
    value = "(has(self.inline) && size(self.inline) > 0) || (has(self.configMapRefs) && size(self.configMapRefs) > 0) || has(self.image)",
    message = "give at least one migration source: inline, configMapRefs or image")
public class Migrations {
  private List<InlineMigration> inline = new ArrayList<>();
  private List<ConfigMapRef> configMapRefs = new ArrayList<>();
  private ImageSource image;

  public List<InlineMigration> getInline() { return inline; }
  public void setInline(List<InlineMigration> inline) { this.inline = inline; }
  public List<ConfigMapRef> getConfigMapRefs() { return configMapRefs; }
  public void setConfigMapRefs(List<ConfigMapRef> configMapRefs) { this.configMapRefs = configMapRefs; }
  public ImageSource getImage() { return image; }
  public void setImage(ImageSource image) { this.image = image; }
}
