/*
 * Signature-only stand-in, never shipped (see offline-build/jenkins-api/README.md).
 * Mirrors org.kohsuke.stapler:stapler as bundled by jenkins-core 2.541.3 (read at jenkinsci/stapler 135bbbc8),
 * core/src/main/java/org/kohsuke/stapler/verb/POST.java. Declares only what the plugin uses; bodies are not the real ones.
 */
package org.kohsuke.stapler.verb;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

// Real: also meta-annotated @InterceptorAnnotation(value = HttpVerbInterceptor.class, stage = SELECTION).
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface POST {
}
