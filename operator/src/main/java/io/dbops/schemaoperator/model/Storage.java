package io.dbops.schemaoperator.model;

import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

public class Storage {
  @Required
  @Pattern("^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|K|M|G|T|P)?$")
  private String size;

  private String storageClassName;

  public String getSize() { return size; }
  public void setSize(String size) { this.size = size; }
  public String getStorageClassName() { return storageClassName; }
  public void setStorageClassName(String storageClassName) { this.storageClassName = storageClassName; }
}
