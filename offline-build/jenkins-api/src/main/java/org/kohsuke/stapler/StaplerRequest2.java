/*
 * Signature-only stand-in, never shipped (see offline-build/jenkins-api/README.md).
 * Mirrors org.kohsuke.stapler:stapler as bundled by jenkins-core 2.541.3 (read at jenkinsci/stapler 0f043f14),
 * core/src/main/java/org/kohsuke/stapler/StaplerRequest2.java. Declares only what the plugin uses; bodies are not the real ones.
 */
package org.kohsuke.stapler;

// Real: extends jakarta.servlet.http.HttpServletRequest, with the request's Stapler methods
// (bindJSON, findAncestorObject, ...). Only its type appears in the plugin, in
// ParameterDefinition.createValue.
public interface StaplerRequest2 {
}
