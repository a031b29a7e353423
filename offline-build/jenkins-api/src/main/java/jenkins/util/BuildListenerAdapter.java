/*
 * Signature-only stand-in, never shipped (see offline-build/jenkins-api/README.md).
 * Mirrors org.jenkins-ci.main:jenkins-core:2.541.3 (jenkinsci/jenkins tag jenkins-2.541.3),
 * core/src/main/java/jenkins/util/BuildListenerAdapter.java. Declares only what the plugin uses; bodies are not the real ones.
 */
package jenkins.util;

import hudson.model.BuildListener;
import hudson.model.TaskListener;

public final class BuildListenerAdapter implements BuildListener {
    private static final long serialVersionUID = 1L;

    // Real: a public constructor taking the TaskListener to delegate to.
    private BuildListenerAdapter() {
        throw new UnsupportedOperationException("stand-in");
    }

    // Trivial behaviour: a listener that already is a BuildListener is returned itself, as in the
    // real class, so a test can hand in a mocked one.
    public static BuildListener wrap(TaskListener l) {
        if (l instanceof BuildListener) {
            return (BuildListener) l;
        }
        throw new UnsupportedOperationException("stand-in");
    }

    @Override
    public java.io.PrintStream getLogger() {
        throw new UnsupportedOperationException("stand-in");
    }
}
