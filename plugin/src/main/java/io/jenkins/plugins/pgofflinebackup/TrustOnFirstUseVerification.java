package io.jenkins.plugins.pgofflinebackup;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Descriptor;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;

/**
 * Trust on first use: the first key a host presents is remembered by Jenkins, on the controller in
 * {@code $JENKINS_HOME/pg-offline-backup/known_hosts}, and every later connection must present the
 * same key, whichever agent makes it. See {@link TrustedHostKeys}.
 */
public final class TrustOnFirstUseVerification extends HostKeyVerification {
    @DataBoundConstructor
    public TrustOnFirstUseVerification() {
    }

    @Override
    HostKeySpec toSpec() {
        return HostKeySpec.trustOnFirstUse();
    }

    @Extension
    @Symbol("trustOnFirstUse")
    public static final class DescriptorImpl extends Descriptor<HostKeyVerification> {
        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.TrustOnFirstUseVerification_DisplayName();
        }
    }
}
