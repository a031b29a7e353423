/*
 * Signature-only stand-in, never shipped (see offline-build/jenkins-api/README.md).
 * Mirrors org.kohsuke.stapler:stapler as bundled by jenkins-core 2.541.3 (read at jenkinsci/stapler 135bbbc8),
 * core/src/main/java/org/kohsuke/stapler/DataBoundSetter.java. Declares only what the plugin uses; bodies are not the real ones.
 */
package org.kohsuke.stapler;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD,ElementType.FIELD})
@Documented
public @interface DataBoundSetter {
}
