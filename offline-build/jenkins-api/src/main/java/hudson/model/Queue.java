/*
 * Signature-only stand-in, never shipped (see offline-build/jenkins-api/README.md).
 * Mirrors org.jenkins-ci.main:jenkins-core:2.541.3 (jenkinsci/jenkins tag jenkins-2.541.3),
 * core/src/main/java/hudson/model/Queue.java. Declares only what the plugin uses; bodies are not the real ones.
 */
package hudson.model;

// Real: a large class (extends ResourceController implements Saveable); only the nested Task type
// is used, for the authentication a job's credentials are listed as.
public class Queue {
    private Queue() {
        throw new UnsupportedOperationException("stand-in");
    }

    // Real: extends FullyNamed, SubTask.
    public interface Task {
    }
}
