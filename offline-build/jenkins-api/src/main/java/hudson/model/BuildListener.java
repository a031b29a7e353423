/*
 * Signature-only stand-in, never shipped (see offline-build/jenkins-api/README.md).
 * Mirrors org.jenkins-ci.main:jenkins-core:2.541.3 (jenkinsci/jenkins tag jenkins-2.541.3),
 * core/src/main/java/hudson/model/BuildListener.java. Declares only what the plugin uses; bodies are not the real ones.
 */
package hudson.model;

// Real: also default started(List<Cause>) and finished(Result). Named here as the type
// ArtifactManager.archive takes.
public interface BuildListener extends TaskListener {
}
