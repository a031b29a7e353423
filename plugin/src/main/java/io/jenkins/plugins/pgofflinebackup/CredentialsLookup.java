package io.jenkins.plugins.pgofflinebackup;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.StandardUsernameCredentials;
import hudson.AbortException;
import hudson.model.Run;

/** Finds the build's SSH credentials the way the credentials plugin asks consumers to. */
final class CredentialsLookup {
    private CredentialsLookup() {
    }

    /** How a session gets its login: from Jenkins ({@link #JENKINS}), or in a unit test from the test. */
    @FunctionalInterface
    interface Resolver {
        SshLogin resolve(Run<?, ?> run, String credentialsId, String host, int port) throws AbortException;
    }

    static final Resolver JENKINS = CredentialsLookup::resolve;

    /**
     * Looks the id up as the build's job may see it (not as SYSTEM), with the host as domain
     * requirement, and records the use on the credential ({@code findCredentialById} does not track
     * a plain id by itself).
     */
    static SshLogin resolve(Run<?, ?> run, String credentialsId, String host, int port) throws AbortException {
        StandardUsernameCredentials credentials = CredentialsProvider.findCredentialById(credentialsId,
                StandardUsernameCredentials.class, run, FormSupport.domain(host, String.valueOf(port)));
        if (credentials == null) {
            throw new AbortException(Messages.Credentials_notFound(credentialsId, host));
        }
        SshLogin login;
        try {
            login = SshLogin.from(credentialsId, credentials);
        } catch (IllegalArgumentException e) {
            throw new AbortException(e.getMessage());
        }
        CredentialsProvider.track(run, credentials);
        return login;
    }
}
