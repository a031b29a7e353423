/*
 * Signature-only stand-in, never shipped (see offline-build/jenkins-api/README.md).
 * Mirrors org.jenkins-ci.main:jenkins-core:2.541.3 (jenkinsci/jenkins tag jenkins-2.541.3),
 * core/src/main/java/hudson/model/TaskListener.java. Declares only what the plugin uses; bodies are not the real ones.
 */
package hudson.model;

import edu.umd.cs.findbugs.annotations.NonNull;
import java.io.PrintStream;
import java.io.Serializable;

// Real: extends org.jenkinsci.remoting.SerializableOnlyOverRemoting (a Serializable).
public interface TaskListener extends Serializable {
    @NonNull
    PrintStream getLogger();
}
