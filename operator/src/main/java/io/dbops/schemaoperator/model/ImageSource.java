package io.dbops.schemaoperator.model;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** Migrations shipped inside an application image, copied out by an init container. */
public class ImageSource {
  @Required
  private String ref;

  @Default("/db/migration")
  @Pattern("^/[^\\x00]*$")
  private String path;

  public String getRef() { return ref; }
  public void setRef(String ref) { this.ref = ref; }
  public String getPath() { return path; }
  public void setPath(String path) { this.path = path; }
}
