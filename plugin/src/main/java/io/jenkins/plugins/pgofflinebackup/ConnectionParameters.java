package io.jenkins.plugins.pgofflinebackup;

import edu.umd.cs.findbugs.annotations.CheckForNull;

/**
 * How every step reaches and trusts the database host: the fields {@code pgOfflineBackup},
 * {@code pgOfflineRestore} and {@code pgOfflineVerify} share, mapped to the engine in one place
 * ({@link SpecParser#connection}).
 */
public interface ConnectionParameters {
    String getHost();

    String getCredentialsId();

    int getPort();

    @CheckForNull
    HostKeyVerification getHostKeyVerification();

    @CheckForNull
    String getConnectTimeout();
}
