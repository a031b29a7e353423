package io.jenkins.plugins.pgofflinebackup;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.Extension;
import hudson.model.Item;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import hudson.model.Run;
import hudson.model.TaskListener;
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
 * {@code pgOfflineBackup}: stops PostgreSQL on a host over SSH, copies its files, starts it again,
 * and returns what it made: {@code id}, {@code path}, {@code files}, {@code bytes},
 * {@code downtimeMillis}, {@code verified}, {@code manifestPath}, {@code logPath}, {@code host},
 * {@code pgVerifybackup}, {@code pgChecksums}, {@code method}. Its records (manifest.json, backup_manifest, backup.log) are archived
 * with the build.
 * Inside {@code node} the SSH connection is made from that agent; outside it, from the controller.
 *
 * <p>{@link PgOfflineBackupBuilder} has the same fields, getters and form checks; FieldParityTest fails when
 * the two drift apart.
 */
public final class PgOfflineBackupStep extends Step implements BackupParameters {
    private final String host;
    private final String credentialsId;
    private final String pgdata;
    private final String dest;
    private int port = 22;
    @CheckForNull
    private HostKeyVerification hostKeyVerification;
    @CheckForNull
    private String stopMode;
    @CheckForNull
    private String stopTimeout;
    @CheckForNull
    private String startTimeout;
    @CheckForNull
    private String activeSessions;
    @CheckForNull
    private String maxDowntime;
    @CheckForNull
    private String stopCommand;
    @CheckForNull
    private String startCommand;
    @CheckForNull
    private String dbUser;
    @CheckForNull
    private String dbName;
    @CheckForNull
    private String pgBin;
    @CheckForNull
    private String serverLog;
    private String service;
    private boolean sudo;
    @CheckForNull
    private String connectTimeout;
    @CheckForNull
    private String reconnectTimeout;
    @CheckForNull
    private String snapshot;
    private boolean precopy;
    private int keep;
    private String destHost;
    private String destHostKnownHosts;
    private String destHostIdentity;
    @CheckForNull
    private String pullTo;

    @DataBoundConstructor
    public PgOfflineBackupStep(String host, String credentialsId, String pgdata, String dest) {
        this.host = Text.blankToNull(host);
        this.credentialsId = Text.blankToNull(credentialsId);
        this.pgdata = Text.blankToNull(pgdata);
        this.dest = Text.blankToNull(dest);
    }

    @Override
    public String getHost() {
        return host;
    }

    @Override
    public String getCredentialsId() {
        return credentialsId;
    }

    @Override
    public String getPgdata() {
        return pgdata;
    }

    @Override
    public String getDest() {
        return dest;
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

    @Override
    @CheckForNull
    public String getStopMode() {
        return stopMode;
    }

    @DataBoundSetter
    public void setStopMode(@CheckForNull String stopMode) {
        this.stopMode = Text.blankToNull(stopMode);
    }

    @Override
    @CheckForNull
    public String getStopTimeout() {
        return stopTimeout;
    }

    @DataBoundSetter
    public void setStopTimeout(@CheckForNull String stopTimeout) {
        this.stopTimeout = Text.blankToNull(stopTimeout);
    }

    @Override
    @CheckForNull
    public String getStartTimeout() {
        return startTimeout;
    }

    @DataBoundSetter
    public void setStartTimeout(@CheckForNull String startTimeout) {
        this.startTimeout = Text.blankToNull(startTimeout);
    }

    @Override
    @CheckForNull
    public String getActiveSessions() {
        return activeSessions;
    }

    @DataBoundSetter
    public void setActiveSessions(@CheckForNull String activeSessions) {
        this.activeSessions = Text.blankToNull(activeSessions);
    }

    @Override
    @CheckForNull
    public String getMaxDowntime() {
        return maxDowntime;
    }

    @DataBoundSetter
    public void setMaxDowntime(@CheckForNull String maxDowntime) {
        this.maxDowntime = Text.blankToNull(maxDowntime);
    }

    @Override
    @CheckForNull
    public String getStopCommand() {
        return stopCommand;
    }

    @DataBoundSetter
    public void setStopCommand(@CheckForNull String stopCommand) {
        this.stopCommand = Text.blankToNull(stopCommand);
    }

    @Override
    @CheckForNull
    public String getStartCommand() {
        return startCommand;
    }

    @DataBoundSetter
    public void setStartCommand(@CheckForNull String startCommand) {
        this.startCommand = Text.blankToNull(startCommand);
    }

    @Override
    @CheckForNull
    public String getDbUser() {
        return dbUser;
    }

    @DataBoundSetter
    public void setDbUser(@CheckForNull String dbUser) {
        this.dbUser = Text.blankToNull(dbUser);
    }

    @Override
    @CheckForNull
    public String getDbName() {
        return dbName;
    }

    @DataBoundSetter
    public void setDbName(@CheckForNull String dbName) {
        this.dbName = Text.blankToNull(dbName);
    }

    @Override
    @CheckForNull
    public String getPgBin() {
        return pgBin;
    }

    @DataBoundSetter
    public void setPgBin(@CheckForNull String pgBin) {
        this.pgBin = Text.blankToNull(pgBin);
    }

    @Override
    @CheckForNull
    public String getServerLog() {
        return serverLog;
    }

    @DataBoundSetter
    public void setServerLog(@CheckForNull String serverLog) {
        this.serverLog = Text.blankToNull(serverLog);
    }

    @Override
    @CheckForNull
    public String getService() {
        return service;
    }

    @DataBoundSetter
    public void setService(@CheckForNull String service) {
        this.service = Text.blankToNull(service);
    }

    @Override
    public boolean isSudo() {
        return sudo;
    }

    @DataBoundSetter
    public void setSudo(boolean sudo) {
        this.sudo = sudo;
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

    @Override
    @CheckForNull
    public String getReconnectTimeout() {
        return reconnectTimeout;
    }

    @DataBoundSetter
    public void setReconnectTimeout(@CheckForNull String reconnectTimeout) {
        this.reconnectTimeout = Text.blankToNull(reconnectTimeout);
    }

    @Override
    @CheckForNull
    public String getSnapshot() {
        return snapshot;
    }

    /** auto (the default), reflink or none: see help-snapshot.html. */
    @DataBoundSetter
    public void setSnapshot(@CheckForNull String snapshot) {
        this.snapshot = Text.blankToNull(snapshot);
    }

    @Override
    public boolean isPrecopy() {
        return precopy;
    }

    @DataBoundSetter
    public void setPrecopy(boolean precopy) {
        this.precopy = precopy;
    }

    @Override
    public int getKeep() {
        return keep;
    }

    /** 0 (the default) keeps every backup. */
    @DataBoundSetter
    public void setKeep(int keep) {
        this.keep = keep;
    }

    @Override
    public String getDestHost() {
        return destHost;
    }

    /** [USER@]HOST[:PORT] of a backup host the database host pushes the copy to: see help-destHost.html. */
    @DataBoundSetter
    public void setDestHost(@CheckForNull String destHost) {
        this.destHost = Text.blankToNull(destHost);
    }

    @Override
    public String getDestHostKnownHosts() {
        return destHostKnownHosts;
    }

    @DataBoundSetter
    public void setDestHostKnownHosts(@CheckForNull String destHostKnownHosts) {
        this.destHostKnownHosts = Text.blankToNull(destHostKnownHosts);
    }

    @Override
    public String getDestHostIdentity() {
        return destHostIdentity;
    }

    @DataBoundSetter
    public void setDestHostIdentity(@CheckForNull String destHostIdentity) {
        this.destHostIdentity = Text.blankToNull(destHostIdentity);
    }

    @Override
    @CheckForNull
    public String getPullTo() {
        return pullTo;
    }

    /** A directory on the agent to pull the backup into, instead of the destination on the database host. */
    @DataBoundSetter
    public void setPullTo(@CheckForNull String pullTo) {
        this.pullTo = Text.blankToNull(pullTo);
    }

    @Override
    public StepExecution start(StepContext context) throws Exception {
        try {
            return new PgOfflineBackupExecution(context, BackupSpec.of(this, UnaryOperator.identity()),
                    HostKeySpec.of(hostKeyVerification));
        } catch (IllegalArgumentException e) {
            throw new AbortException(Messages.PgOfflineBackupStep_invalid(e.getMessage()));
        }
    }

    @Extension
    public static final class DescriptorImpl extends StepDescriptor {
        @Override
        public String getFunctionName() {
            return "pgOfflineBackup";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.PgOfflineBackupStep_DisplayName();
        }

        /** Run and TaskListener only: the step also works outside {@code node}. */
        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class);
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
        public ListBoxModel doFillServiceItems(@AncestorInPath Item item, @QueryParameter String service) {
            return FormSupport.serviceItems(item, service);
        }

        @POST
        public FormValidation doCheckService(@AncestorInPath Item item, @QueryParameter String value,
                @QueryParameter String stopCommand) {
            return FormSupport.check(item, () -> Validation.service(value, stopCommand));
        }

        @POST
        public ListBoxModel doFillStopModeItems(@AncestorInPath Item item, @QueryParameter String stopMode) {
            return FormSupport.stopModeItems(item, stopMode);
        }

        @POST
        public FormValidation doCheckStopMode(@AncestorInPath Item item, @QueryParameter String value) {
            return FormSupport.check(item, () -> Validation.stopMode(value));
        }

        /** The form's choice when a job has none: the known_hosts file. */
        public HostKeyVerification getDefaultHostKeyVerification() {
            return new KnownHostsFileVerification();
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
        public FormValidation doCheckPgdata(@AncestorInPath Item item, @QueryParameter String value) {
            return FormSupport.check(item, () -> Validation.requiredPath(Messages.Field_pgdata(), value));
        }

        @POST
        public FormValidation doCheckDest(@AncestorInPath Item item, @QueryParameter String value, @QueryParameter String pgdata) {
            return FormSupport.check(item, () -> Validation.dest(value, pgdata));
        }

        @POST
        public FormValidation doCheckStopTimeout(@AncestorInPath Item item, @QueryParameter String value) {
            return FormSupport.check(item, () -> Validation.duration(Messages.Field_stopTimeout(), value));
        }

        @POST
        public FormValidation doCheckStartTimeout(@AncestorInPath Item item, @QueryParameter String value) {
            return FormSupport.check(item, () -> Validation.duration(Messages.Field_startTimeout(), value));
        }

        @POST
        public FormValidation doCheckActiveSessions(@AncestorInPath Item item, @QueryParameter String value) {
            return FormSupport.check(item, () -> Validation.activeSessions(value));
        }

        @POST
        public FormValidation doCheckMaxDowntime(@AncestorInPath Item item, @QueryParameter String value) {
            return FormSupport.check(item, () -> Validation.duration(Messages.Field_maxDowntime(), value));
        }

        @POST
        public FormValidation doCheckStopCommand(@AncestorInPath Item item, @QueryParameter String value, @QueryParameter String startCommand) {
            return FormSupport.check(item, () -> Validation.serviceCommand(Messages.Field_stopCommand(), value, startCommand));
        }

        @POST
        public FormValidation doCheckStartCommand(@AncestorInPath Item item, @QueryParameter String value, @QueryParameter String stopCommand) {
            return FormSupport.check(item, () -> Validation.serviceCommand(Messages.Field_startCommand(), value, stopCommand));
        }

        @POST
        public FormValidation doCheckDbUser(@AncestorInPath Item item, @QueryParameter String value) {
            return FormSupport.check(item, () -> Validation.oneLine(Messages.Field_dbUser(), value));
        }

        @POST
        public FormValidation doCheckDbName(@AncestorInPath Item item, @QueryParameter String value) {
            return FormSupport.check(item, () -> Validation.oneLine(Messages.Field_dbName(), value));
        }

        @POST
        public FormValidation doCheckPgBin(@AncestorInPath Item item, @QueryParameter String value) {
            return FormSupport.check(item, () -> Validation.optionalPath(Messages.Field_pgBin(), value));
        }

        @POST
        public FormValidation doCheckServerLog(@AncestorInPath Item item, @QueryParameter String value) {
            return FormSupport.check(item, () -> Validation.optionalPath(Messages.Field_serverLog(), value));
        }

        @POST
        public FormValidation doCheckConnectTimeout(@AncestorInPath Item item, @QueryParameter String value) {
            return FormSupport.check(item, () -> Validation.duration(Messages.Field_connectTimeout(), value));
        }

        @POST
        public FormValidation doCheckReconnectTimeout(@AncestorInPath Item item, @QueryParameter String value) {
            return FormSupport.check(item, () -> Validation.duration(Messages.Field_reconnectTimeout(), value));
        }

        @POST
        public FormValidation doCheckSnapshot(@AncestorInPath Item item, @QueryParameter String value) {
            return FormSupport.check(item, () -> Validation.snapshot(value));
        }

        @POST
        public FormValidation doCheckKeep(@AncestorInPath Item item, @QueryParameter int value) {
            return FormSupport.check(item, () -> Validation.keep(value));
        }

        @POST
        public FormValidation doCheckDestHost(@AncestorInPath Item item, @QueryParameter String value) {
            return FormSupport.check(item, () -> Validation.destHost(value));
        }
    }
}
