/*
 * Signature-only stand-in, never shipped (see offline-build/jenkins-api/README.md).
 * Mirrors org.jenkins-ci.main:jenkins-core:2.541.3 (jenkinsci/jenkins tag jenkins-2.541.3),
 * core/src/main/java/hudson/model/queue/Tasks.java. Declares only what the plugin uses; bodies are not the real ones.
 */
package hudson.model.queue;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.model.Queue;
import org.springframework.security.core.Authentication;

public class Tasks {
    private Tasks() {
        throw new UnsupportedOperationException("stand-in");
    }

    public static @NonNull Authentication getAuthenticationOf2(@NonNull Queue.Task t) {
        throw new UnsupportedOperationException("stand-in");
    }
}
