package io.dbops.schemaoperator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

public class Storage {
  @Required
  @Pattern("^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|K|M|G|T|P)?$")
  @JsonPropertyDescription("The volume's size as a Kubernetes quantity, e.g. 10Gi. It cannot change once deployed"
      + " (expand the claim itself where its storage class allows).")
  private String size;

  @Size(max = 253)
  @Pattern(Patterns.K8S_NAME)
  @JsonPropertyDescription("The storage class of the volume claim, e.g. standard. Default: the cluster's default"
      + " class. It cannot change once deployed.")
  private String storageClassName;

  public String getSize() { return size; }
  public void setSize(String size) { this.size = size; }
  public String getStorageClassName() { return storageClassName; }
  public void setStorageClassName(String storageClassName) { this.storageClassName = storageClassName; }
}
