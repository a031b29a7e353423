/*
 * Signature-only stand-in, never shipped (see offline-build/jenkins-api/README.md).
 * Mirrors org.jenkins-ci.main:jenkins-core:2.541.3 (jenkinsci/jenkins tag jenkins-2.541.3),
 * core/src/main/java/hudson/security/ACLContext.java. Declares only what the plugin uses; bodies are not the real ones.
 */
package hudson.security;

// Real: also getPreviousContext2() and the deprecated getPreviousContext().
public class ACLContext implements AutoCloseable {
    // Real: a package-private one taking the previous SecurityContext; only ACL.as2 creates one.
    private ACLContext() {
        throw new UnsupportedOperationException("stand-in");
    }

    @Override
    public void close() {
        throw new UnsupportedOperationException("stand-in");
    }
}
