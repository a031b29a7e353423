/*
 * Signature-only stand-in, never shipped (see offline-build/jenkins-api/README.md).
 * Mirrors org.jenkins-ci.main:jenkins-core:2.541.3 (jenkinsci/jenkins tag jenkins-2.541.3),
 * core/src/main/java/hudson/tasks/BuildStep.java. Declares only what the plugin uses; bodies are not the real ones.
 */
package hudson.tasks;

// Real: declares prebuild, perform(AbstractBuild, Launcher, BuildListener), getProjectAction(s) and
// getRequiredMonitorService, all implemented for SimpleBuildStep builders by Builder's superclass
// BuildStepCompatibilityLayer. The plugin calls none of them.
public interface BuildStep {
}
