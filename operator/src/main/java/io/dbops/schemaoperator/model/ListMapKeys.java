package io.dbops.schemaoperator.model;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A list whose items are told apart by these fields: the CRD marks it x-kubernetes-list-type map,
 * so the API server refuses two items with the same keys (and server-side apply merges by them).
 * fabric8's generator has no annotation for it; CrdGeneration applies it.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface ListMapKeys {
  String[] value();
}
