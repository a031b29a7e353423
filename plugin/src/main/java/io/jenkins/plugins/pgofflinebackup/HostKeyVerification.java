package io.jenkins.plugins.pgofflinebackup;

import hudson.ExtensionPoint;
import hudson.model.Describable;

/**
 * How the database host's SSH key is checked: a choice in the form and in Pipeline
 * ({@code hostKeyVerification: knownHostsFile()}, {@code manuallyProvidedKey(key: '...')},
 * {@code trustOnFirstUse()}, {@code noHostKeyVerification()}). The default, when none is given, is
 * the known_hosts file.
 */
public abstract class HostKeyVerification implements Describable<HostKeyVerification>, ExtensionPoint {

    /** What travels to the engine. */
    abstract HostKeySpec toSpec();
}
