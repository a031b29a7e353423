package io.jenkins.plugins.pgofflinebackup;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Descriptor;
import hudson.model.Item;
import hudson.util.FormValidation;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * The host key must be in a known_hosts file on the machine that runs the engine: the agent when
 * the step runs inside {@code node}, the controller otherwise. The file is only read.
 */
public final class KnownHostsFileVerification extends HostKeyVerification {
    @CheckForNull
    private String knownHostsFile;

    @DataBoundConstructor
    public KnownHostsFileVerification() {
    }

    /** Null for ~/.ssh/known_hosts of the user the engine runs as. */
    @CheckForNull
    public String getKnownHostsFile() {
        return knownHostsFile;
    }

    @DataBoundSetter
    public void setKnownHostsFile(@CheckForNull String knownHostsFile) {
        this.knownHostsFile = Text.blankToNull(knownHostsFile);
    }

    @Override
    HostKeySpec toSpec() {
        String problem = check(knownHostsFile);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return HostKeySpec.knownHostsFile(knownHostsFile);
    }

    @CheckForNull
    static String check(@CheckForNull String value) {
        String file = Text.blankToNull(value);
        if (file == null || file.equals("~") || file.startsWith("~/")) {
            return file == null || Text.isOneLine(file) ? null : Messages.Validation_oneLine(Messages.Field_knownHostsFile());
        }
        return Validation.optionalPath(Messages.Field_knownHostsFile(), file);
    }

    @Extension
    @Symbol("knownHostsFile")
    public static final class DescriptorImpl extends Descriptor<HostKeyVerification> {
        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.KnownHostsFileVerification_DisplayName();
        }

        @POST
        public FormValidation doCheckKnownHostsFile(@AncestorInPath Item item, @QueryParameter String value) {
            return FormSupport.check(item, () -> check(value));
        }
    }
}
