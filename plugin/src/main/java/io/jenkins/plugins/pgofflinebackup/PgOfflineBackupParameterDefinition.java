package io.jenkins.plugins.pgofflinebackup;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Item;
import hudson.model.Job;
import hudson.model.ParameterValue;
import hudson.model.SimpleParameterDefinition;
import hudson.util.FormValidation;
import java.util.List;
import net.sf.json.JSONObject;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.verb.POST;

/**
 * A build parameter for restore jobs: a choice among the complete backups that a backup job's
 * builds recorded, newest first, each shown with its host, time and size. Its value is the chosen
 * backup's directory, ready for {@code pgOfflineRestore backup:} (and the restore build step).
 *
 * <p>The list is read as the user who opens "Build with Parameters" may see the backup job, and a
 * submitted value must be one of the backups listed to that user: a crafted request cannot name
 * any other directory.
 */
public final class PgOfflineBackupParameterDefinition extends SimpleParameterDefinition {
    private static final long serialVersionUID = 1L;
    static final int DEFAULT_MAX_BACKUPS = 20;

    private final String backupJob;
    @CheckForNull
    private String host;
    private int maxBackups = DEFAULT_MAX_BACKUPS;

    @DataBoundConstructor
    public PgOfflineBackupParameterDefinition(@NonNull String name, String backupJob) {
        super(name);
        this.backupJob = Text.blankToNull(backupJob);
    }

    /** The full name of the job whose builds took the backups, e.g. {@code databases/db1-nightly}. */
    public String getBackupJob() {
        return backupJob;
    }

    /** Only backups of this host, or null for every host the job backed up. */
    @CheckForNull
    public String getHost() {
        return host;
    }

    @DataBoundSetter
    public void setHost(@CheckForNull String host) {
        this.host = Text.blankToNull(host);
    }

    public int getMaxBackups() {
        return maxBackups;
    }

    @DataBoundSetter
    public void setMaxBackups(int maxBackups) {
        this.maxBackups = maxBackups < 1 ? DEFAULT_MAX_BACKUPS : maxBackups;
    }

    /** The backups to choose from, newest first, as the current user may see them; empty if none. */
    public List<RecordedBackup> getChoices() {
        Job<?, ?> job = RecordedBackups.job(backupJob);
        return job == null ? List.of() : choices(job);
    }

    List<RecordedBackup> choices(Job<?, ?> job) {
        return RecordedBackups.list(job, host, maxBackups);
    }

    /** The value for a form submission: the chosen backup's directory, which must be listed. */
    @Override
    public ParameterValue createValue(StaplerRequest2 req, JSONObject jo) {
        return createValue(jo.optString("value"));
    }

    /**
     * The value for a directory (from the form, the CLI, a {@code build} step or a URL): it must be
     * the directory of one of the backups listed.
     *
     * @throws IllegalArgumentException when it is not
     */
    @Override
    public ParameterValue createValue(String value) {
        Job<?, ?> job = RecordedBackups.job(backupJob);
        if (job == null) {
            throw new IllegalArgumentException(Messages.RecordedBackups_noJob(backupJob));
        }
        return valueFor(value, choices(job));
    }

    /** @throws IllegalArgumentException when the directory is none of the choices */
    PgOfflineBackupParameterValue valueFor(@CheckForNull String value, List<RecordedBackup> choices) {
        String path = Text.blankToNull(value);
        for (RecordedBackup backup : choices) {
            if (backup.getPath().equals(path)) {
                PgOfflineBackupParameterValue chosen = new PgOfflineBackupParameterValue(getName(), backup, backupJob);
                chosen.setDescription(getDescription());
                return chosen;
            }
        }
        throw new IllegalArgumentException(path == null ? Messages.PgOfflineBackupParameterDefinition_noneChosen(
                getName(), backupJob) : Messages.PgOfflineBackupParameterDefinition_notListed(getName(), path,
                backupJob));
    }

    /** A build started without a choice (by a timer, say) gets none: nothing is restored by default. */
    @Override
    @CheckForNull
    public ParameterValue getDefaultParameterValue() {
        return null;
    }

    /** A value given otherwise than through {@link #createValue} must still be one of the choices. */
    @Override
    public boolean isValid(ParameterValue value) {
        if (!(value instanceof PgOfflineBackupParameterValue chosen)) {
            return false;
        }
        Job<?, ?> job = RecordedBackups.job(backupJob);
        return job != null && choices(job).stream().anyMatch(b -> b.getPath().equals(chosen.getValue()));
    }

    @Extension
    @Symbol("pgOfflineBackupChoice")
    public static final class DescriptorImpl extends ParameterDescriptor {
        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.PgOfflineBackupParameterDefinition_DisplayName();
        }

        @POST
        public FormValidation doCheckBackupJob(@AncestorInPath Item item, @QueryParameter String value) {
            if (Text.blankToNull(value) == null) {
                return FormSupport.check(item, () -> Validation.required(Messages.Field_backupJob()));
            }
            return FormSupport.checkBackupJob(item, value);
        }

        @POST
        public FormValidation doCheckHost(@AncestorInPath Item item, @QueryParameter String value) {
            return FormSupport.check(item, () -> Text.blankToNull(value) == null ? null : Validation.host(value));
        }

        @POST
        public FormValidation doCheckMaxBackups(@AncestorInPath Item item, @QueryParameter String value) {
            return FormSupport.check(item, () -> Validation.positiveNumber(Messages.Field_maxBackups(), value));
        }
    }
}
