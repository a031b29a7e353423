/*
 * Signature-only stand-in, never shipped (see offline-build/jenkins-api/README.md).
 * Mirrors org.jenkins-ci.main:remoting:3352.v17a_fb_4b_2773f (bundled by jenkins-core 2.541.3),
 * src/main/java/hudson/remoting/Callable.java (jenkinsci/remoting). Declares only what the plugin uses; bodies are not the real ones.
 */
package hudson.remoting;

import java.io.Serializable;

// Real: also declares checkRoles(RoleChecker), which MasterToSlaveCallable implements.
public interface Callable<V, T extends Throwable> extends Serializable {
    V call() throws T;
}
