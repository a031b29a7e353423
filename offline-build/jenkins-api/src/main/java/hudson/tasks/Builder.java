/*
 * Signature-only stand-in, never shipped (see offline-build/jenkins-api/README.md).
 * Mirrors org.jenkins-ci.main:jenkins-core:2.541.3 (jenkinsci/jenkins tag jenkins-2.541.3),
 * core/src/main/java/hudson/tasks/Builder.java. Declares only what the plugin uses; bodies are not the real ones.
 */
package hudson.tasks;

import hudson.ExtensionPoint;
import hudson.model.Describable;

// Real: extends BuildStepCompatibilityLayer (deprecated; implements BuildStep's methods) implements
// Describable<Builder>, ExtensionPoint.
public abstract class Builder implements BuildStep, Describable<Builder>, ExtensionPoint {
    // The real class has an implicit public constructor; the plugin's builder extends it.
    public Builder() {
    }
}
