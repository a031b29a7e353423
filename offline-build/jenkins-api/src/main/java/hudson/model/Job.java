/*
 * Signature-only stand-in, never shipped (see offline-build/jenkins-api/README.md).
 * Mirrors org.jenkins-ci.main:jenkins-core:2.541.3 (jenkinsci/jenkins tag jenkins-2.541.3),
 * core/src/main/java/hudson/model/Job.java. Declares only what the plugin uses; bodies are not the real ones.
 */
package hudson.model;

// Real: extends AbstractItem (which implements Item) implements ExtensionPoint,
// StaplerOverridable, ...
public abstract class Job<JobT extends Job<JobT, RunT>, RunT extends Run<JobT, RunT>> implements Item {
    private Job() {
        throw new UnsupportedOperationException("stand-in");
    }

    public RunT getLastBuild() {
        throw new UnsupportedOperationException("stand-in");
    }
}
