/*
 * Signature-only stand-in, never shipped (see offline-build/jenkins-api/README.md).
 * Mirrors org.jenkins-ci.main:jenkins-core:2.541.3 (jenkinsci/jenkins tag jenkins-2.541.3),
 * core/src/main/java/jenkins/security/MasterToSlaveCallable.java. Declares only what the plugin uses; bodies are not the real ones.
 */
package jenkins.security;

import hudson.remoting.Callable;

// Real: implements jenkins.agents.ControllerToAgentCallable<V, T>, which supplies checkRoles.
public abstract class MasterToSlaveCallable<V, T extends Throwable> implements Callable<V, T> {
    private static final long serialVersionUID = 1L;

    // The real class has an implicit public constructor; the plugin's callables extend it.
    public MasterToSlaveCallable() {
    }
}
