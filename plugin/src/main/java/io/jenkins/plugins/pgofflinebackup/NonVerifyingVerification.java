package io.jenkins.plugins.pgofflinebackup;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Descriptor;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;

/**
 * No host key check at all. Allowed because some networks leave no other way, but anyone between
 * Jenkins and the database host can then read and change everything, including the commands that
 * stop PostgreSQL: every build log that uses it says so, at the start and at the end.
 */
public final class NonVerifyingVerification extends HostKeyVerification {
    @DataBoundConstructor
    public NonVerifyingVerification() {
    }

    @Override
    HostKeySpec toSpec() {
        return HostKeySpec.notVerified();
    }

    @Extension
    @Symbol("noHostKeyVerification")
    public static final class DescriptorImpl extends Descriptor<HostKeyVerification> {
        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.NonVerifyingVerification_DisplayName();
        }
    }
}
