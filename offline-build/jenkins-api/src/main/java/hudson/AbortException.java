/*
 * Signature-only stand-in, never shipped (see offline-build/jenkins-api/README.md).
 * Mirrors org.jenkins-ci.main:jenkins-core:2.541.3 (jenkinsci/jenkins tag jenkins-2.541.3),
 * core/src/main/java/hudson/AbortException.java. Declares only what the plugin uses; bodies are not the real ones.
 */
package hudson;

import java.io.IOException;

public class AbortException extends IOException {
    private static final long serialVersionUID = 1L;

    public AbortException() {
    }

    // Trivial behaviour: unit tests read the message of a failed step.
    public AbortException(String message) {
        super(message);
    }
}
