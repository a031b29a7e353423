package io.jenkins.plugins.pgofflinebackup;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import io.pgofflinebackup.backup.ConnectionSettings;
import io.pgofflinebackup.backup.JobSettingsBuilder;
import io.pgofflinebackup.ssh.HostKeyPolicy;
import io.pgofflinebackup.ssh.SshCredentials;
import io.pgofflinebackup.ssh.SshTarget;
import java.io.Serializable;
import java.time.Duration;

/**
 * Where a job connects and with which credentials id, without any secret: small enough to travel
 * to the agent and to be rebuilt after a controller restart. Null time-outs keep the engine's
 * defaults ({@link JobSettingsBuilder}).
 */
record Connection(String host, int port, String credentialsId, @CheckForNull Duration connectTimeout,
        @CheckForNull Duration reconnectTimeout) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Sets the target, the login and the time-outs on any engine request builder. */
    <B extends JobSettingsBuilder<B>> B applyTo(B builder, String user, SshCredentials credentials,
            HostKeyPolicy hostKeyPolicy) {
        builder.target(new SshTarget(host, port, user)).credentials(credentials).hostKeyPolicy(hostKeyPolicy);
        if (connectTimeout != null) {
            builder.connectTimeout(connectTimeout);
        }
        if (reconnectTimeout != null) {
            builder.reconnectTimeout(reconnectTimeout);
        }
        return builder;
    }

    /** The engine's connection alone, for jobs that take no more (re-attach, records, verify). */
    ConnectionSettings settings(String user, SshCredentials credentials, HostKeyPolicy hostKeyPolicy) {
        return applyTo(new Only(), user, credentials, hostKeyPolicy).settings();
    }

    /** The engine's own builder, so that its defaults stay the only ones. */
    private static final class Only extends JobSettingsBuilder<Only> {
        @Override
        protected Only self() {
            return this;
        }

        ConnectionSettings settings() {
            return connection();
        }
    }
}
