/*
 * Signature-only stand-in, never shipped (see offline-build/jenkins-api/README.md).
 * Mirrors org.jenkins-ci:symbol-annotation:1.25 (jenkinsci/lib-symbol-annotation, the version jenkins-core 2.541.3 uses),
 * src/main/java/org/jenkinsci/Symbol.java. Declares only what the plugin uses; bodies are not the real ones.
 */
package org.jenkinsci;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

// Real: also meta-annotated @org.jvnet.hudson.annotation_indexer.Indexed.
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Documented
public @interface Symbol {
    String[] value();
}
