package io.jenkins.plugins.pgofflinebackup;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Descriptor;
import hudson.model.Item;
import hudson.util.FormValidation;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * The host must present this key: given as its SHA-256 fingerprint or as its public key line. Both
 * become a pinned fingerprint; the job configuration is the only place the key is kept.
 */
public final class ManuallyProvidedKeyVerification extends HostKeyVerification {
    private final String key;

    @DataBoundConstructor
    public ManuallyProvidedKeyVerification(String key) {
        this.key = key == null ? "" : key.strip();
    }

    public String getKey() {
        return key;
    }

    @Override
    HostKeySpec toSpec() {
        return HostKeySpec.pinned(HostKeys.fingerprint(key));
    }

    @Extension
    @Symbol("manuallyProvidedKey")
    public static final class DescriptorImpl extends Descriptor<HostKeyVerification> {
        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.ManuallyProvidedKeyVerification_DisplayName();
        }

        @POST
        public FormValidation doCheckKey(@AncestorInPath Item item, @QueryParameter String value) {
            return FormSupport.check(item, () -> {
                if (Text.blankToNull(value) == null) {
                    return Messages.Validation_required(Messages.Field_key());
                }
                try {
                    HostKeys.fingerprint(value);
                    return null;
                } catch (IllegalArgumentException e) {
                    return e.getMessage();
                }
            });
        }
    }
}
