package io.jenkins.plugins.pgofflinebackup;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.Extension;
import hudson.model.Item;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * {@code pgOfflineVerify}: re-reads a backup on its host and checks it against its manifest (every
 * file present, with its size and SHA-256, nothing extra, the manifest itself intact), and runs
 * PostgreSQL's pg_verifybackup when {@code pgBin} says where it is. It only reads; PostgreSQL is
 * not touched. Returns {@code status}, {@code valid}, {@code files}, {@code bytes},
 * {@code problems}, {@code pgVerifybackup}, {@code backupId}, {@code backup}; fails the build when
 * the backup is not valid, unless {@code failOnProblems: false}. A backup that cannot be read at all
 * (no connection, no such directory) always fails it.
 */
public final class PgOfflineVerifyStep extends Step implements ConnectionParameters {
    private final String host;
    private final String credentialsId;
    private final String backup;
    private int port = 22;
    @CheckForNull
    private HostKeyVerification hostKeyVerification;
    @CheckForNull
    private String pgBin;
    @CheckForNull
    private String connectTimeout;
    private boolean failOnProblems = true;

    @DataBoundConstructor
    public PgOfflineVerifyStep(String host, String credentialsId, String backup) {
        this.host = Text.blankToNull(host);
        this.credentialsId = Text.blankToNull(credentialsId);
        this.backup = Text.blankToNull(backup);
    }

    @Override
    public String getHost() {
        return host;
    }

    @Override
    public String getCredentialsId() {
        return credentialsId;
    }

    public String getBackup() {
        return backup;
    }

    @Override
    public int getPort() {
        return port;
    }

    @DataBoundSetter
    public void setPort(int port) {
        this.port = port;
    }

    @Override
    @CheckForNull
    public HostKeyVerification getHostKeyVerification() {
        return hostKeyVerification;
    }

    /** Null, or not set, means the known_hosts file of the user the engine runs as. */
    @DataBoundSetter
    public void setHostKeyVerification(@CheckForNull HostKeyVerification hostKeyVerification) {
        this.hostKeyVerification = hostKeyVerification;
    }

    @CheckForNull
    public String getPgBin() {
        return pgBin;
    }

    /** Directory of pg_verifybackup on the host, of the backup's major version; null to skip it. */
    @DataBoundSetter
    public void setPgBin(@CheckForNull String pgBin) {
        this.pgBin = Text.blankToNull(pgBin);
    }

    @Override
    @CheckForNull
    public String getConnectTimeout() {
        return connectTimeout;
    }

    @DataBoundSetter
    public void setConnectTimeout(@CheckForNull String connectTimeout) {
        this.connectTimeout = Text.blankToNull(connectTimeout);
    }

    public boolean isFailOnProblems() {
        return failOnProblems;
    }

    /** False to report an invalid backup in the returned map only, for the script to decide. */
    @DataBoundSetter
    public void setFailOnProblems(boolean failOnProblems) {
        this.failOnProblems = failOnProblems;
    }

    @Override
    public StepExecution start(StepContext context) throws Exception {
        try {
            return new PgOfflineVerifyExecution(context, VerifySpec.of(this, backup, pgBin, UnaryOperator.identity()),
                    HostKeySpec.of(hostKeyVerification), failOnProblems);
        } catch (IllegalArgumentException e) {
            throw new AbortException(Messages.PgOfflineVerifyStep_invalid(e.getMessage()));
        }
    }

    @Extension
    public static final class DescriptorImpl extends StepDescriptor {
        @Override
        public String getFunctionName() {
            return "pgOfflineVerify";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.PgOfflineVerifyStep_DisplayName();
        }

        /** Run and TaskListener only: the step also works outside {@code node}. */
        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class);
        }

        /** The form's choice when a job has none: the known_hosts file. */
        public HostKeyVerification getDefaultHostKeyVerification() {
            return new KnownHostsFileVerification();
        }

        @POST
        public ListBoxModel doFillCredentialsIdItems(@AncestorInPath Item item, @QueryParameter String credentialsId,
                @QueryParameter String host, @QueryParameter String port) {
            return FormSupport.credentialsItems(item, credentialsId, host, port);
        }

        @POST
        public FormValidation doCheckCredentialsId(@AncestorInPath Item item, @QueryParameter String value,
                @QueryParameter String host, @QueryParameter String port) {
            return FormSupport.checkCredentialsId(item, value, host, port);
        }

        @POST
        public FormValidation doCheckHost(@AncestorInPath Item item, @QueryParameter String value) {
            return FormSupport.check(item, () -> Validation.host(value));
        }

        @POST
        public FormValidation doCheckPort(@AncestorInPath Item item, @QueryParameter String value) {
            return FormSupport.check(item, () -> Validation.port(value));
        }

        @POST
        public FormValidation doCheckBackup(@AncestorInPath Item item, @QueryParameter String value) {
            return FormSupport.check(item, () -> Validation.requiredPath(Messages.Field_backup(), value));
        }

        @POST
        public FormValidation doCheckPgBin(@AncestorInPath Item item, @QueryParameter String value) {
            return FormSupport.check(item, () -> Validation.optionalPath(Messages.Field_pgBin(), value));
        }

        @POST
        public FormValidation doCheckConnectTimeout(@AncestorInPath Item item, @QueryParameter String value) {
            return FormSupport.check(item, () -> Validation.duration(Messages.Field_connectTimeout(), value));
        }
    }
}
