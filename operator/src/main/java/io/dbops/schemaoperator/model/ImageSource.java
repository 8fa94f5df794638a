package io.dbops.schemaoperator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** Migrations shipped inside an application image, copied out by an init container. */
public class ImageSource {
  @Required
  @JsonPropertyDescription("The image holding the scripts, e.g. ghcr.io/acme/app:1.4.2 (pin a tag or digest: a"
      + " moving tag may bring other scripts to the next run).")
  private String ref;

  @Default("/db/migration")
  @Size(max = 1024)
  @Pattern(Patterns.IMAGE_PATH)
  @JsonPropertyDescription("The directory in that image holding the Flyway files, an absolute path of letters, digits"
      + " and . _ - @ + (no '..'). Default /db/migration.")
  private String path;

  public String getRef() { return ref; }
  public void setRef(String ref) { this.ref = ref; }
  public String getPath() { return path; }
  public void setPath(String path) { this.path = path; }
}
