package io.dbops.schemaoperator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** A dump of the database taken by a Job of its own before each migration run. */
@ValidationRule(value = "!has(self.beforeMigrate) || !self.beforeMigrate || has(self.claimName)",
    message = "backup.beforeMigrate needs backup.claimName: the PersistentVolumeClaim the dumps are written to")
public class Backup {
  @JsonPropertyDescription("Take a dump before each revision's first migration run; the run starts only once it succeeded."
      + " Default false.")
  @Default("false")
  private Boolean beforeMigrate;

  @JsonPropertyDescription("The PersistentVolumeClaim, in this namespace, the dumps are written to, e.g. db-backups.")
  @Pattern(Patterns.K8S_NAME)
  @Size(max = 253)
  private String claimName;

  @JsonPropertyDescription("How many dumps of this schema the claim keeps; older ones are deleted after each backup."
      + " Default 5, at most 1000.")
  @Default("5")
  @Min(1)
  @Max(1000)
  private Integer keep;

  @JsonPropertyDescription("The image that runs the dump; empty: the engine's own image for the server's version (e.g."
      + " postgres:16). It must be one the operator's settings allow.")
  @Size(max = 512)
  @Pattern("^$|^[^\\s]+$")
  private String image;

  public Boolean getBeforeMigrate() { return beforeMigrate; }
  public void setBeforeMigrate(Boolean beforeMigrate) { this.beforeMigrate = beforeMigrate; }
  public String getClaimName() { return claimName; }
  public void setClaimName(String claimName) { this.claimName = claimName; }
  public Integer getKeep() { return keep; }
  public void setKeep(Integer keep) { this.keep = keep; }
  public String getImage() { return image; }
  public void setImage(String image) { this.image = image; }
}
