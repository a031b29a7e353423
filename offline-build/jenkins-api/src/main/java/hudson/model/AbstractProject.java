/*
 * Signature-only stand-in, never shipped (see offline-build/jenkins-api/README.md).
 * Mirrors org.jenkins-ci.main:jenkins-core:2.541.3 (jenkinsci/jenkins tag jenkins-2.541.3),
 * core/src/main/java/hudson/model/AbstractProject.java. Declares only what the plugin uses; bodies are not the real ones.
 */
package hudson.model;

// Named here only because BuildStepDescriptor.isApplicable takes a raw Class of it. The real class
// is generic (AbstractProject<P, R> extends Job<P, R>); the plugin uses it only raw, so the type
// parameters and supertypes are left out.
public abstract class AbstractProject {
    private AbstractProject() {
        throw new UnsupportedOperationException("stand-in");
    }
}
