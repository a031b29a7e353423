package io.jenkins.plugins.pgofflinebackup;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import io.pgofflinebackup.restore.RestoreRequest;
import io.pgofflinebackup.ssh.HostKeyPolicy;
import io.pgofflinebackup.ssh.SshCredentials;
import java.io.Serializable;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * A checked restore configuration without secrets. {@code backup} is a directory on the database
 * host, or, with {@code backupJob}, the id of a backup that a build of that job recorded; the
 * step resolves the id to the recorded path ({@link #withBackupPath}) before anything is contacted.
 */
record RestoreSpec(Connection connection, ServiceSpec service, String backup, @CheckForNull String backupJob,
        String pgdata, String confirm, @CheckForNull String backupHost, @CheckForNull String backupHostKnownHosts,
        @CheckForNull String backupHostIdentity) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** What backup ids look like (a UTC time stamp such as 20261125T020003Z, or a name of ours). */
    static final Pattern BACKUP_ID = Pattern.compile("[0-9A-Za-z][0-9A-Za-z-]*");

    /**
     * Checks the configuration, the confirmation first: a restore whose confirmation does not
     * repeat PGDATA exactly is refused before anything else is looked at.
     *
     * @param expand applied to every text field first (the freestyle build step expands build
     *     variables); a confirmation that is the very same variable as PGDATA is refused, since it
     *     would confirm nothing
     * @throws IllegalArgumentException naming every problem, worded for the user
     */
    static RestoreSpec of(RestoreParameters p, UnaryOperator<String> expand) {
        SpecParser parser = new SpecParser(expand);
        String pgdata = parser.text(p.getPgdata());
        String confirm = parser.text(p.getConfirm());
        parser.check(confirmation(pgdata, confirm, Text.blankToNull(p.getPgdata()), Text.blankToNull(p.getConfirm())));
        Connection connection = parser.connection(p, p.getReconnectTimeout(), true);
        String backup = parser.text(p.getBackup());
        String backupJob = parser.text(p.getBackupJob());
        parser.check(Validation.requiredPath(Messages.Field_pgdata(), pgdata));
        parser.check(Validation.oneLine(Messages.Field_backupJob(), backupJob));
        parser.check(backupProblem(backup, backupJob, pgdata));
        ServiceSpec service = parser.service(p);
        String backupHost = parser.text(p.getBackupHost());
        String knownHosts = parser.text(p.getBackupHostKnownHosts());
        String identity = parser.text(p.getBackupHostIdentity());
        parser.check(Validation.destHost(backupHost));
        parser.check(Validation.optionalPath("Backup host known_hosts", knownHosts));
        parser.check(Validation.optionalPath("Backup host identity", identity));
        parser.throwIfAny();
        return new RestoreSpec(connection, service, backup, backupJob, pgdata, confirm, backupHost, knownHosts,
                identity);
    }

    /** The same restore, from the directory a recorded backup id resolved to. */
    RestoreSpec withBackupPath(String path) {
        return new RestoreSpec(connection, service, path, backupJob, pgdata, confirm, backupHost, backupHostKnownHosts,
                backupHostIdentity);
    }

    /** Whether {@link #backup()} is still an id to look up in {@link #backupJob()}'s records. */
    boolean backupIsRecordedId() {
        return backupJob != null && !backup.startsWith("/");
    }

    /** The engine request, built where the engine runs, with the secrets that never travel in a spec. */
    RestoreRequest toRequest(String user, SshCredentials credentials, HostKeyPolicy hostKeyPolicy) {
        RestoreRequest.Builder builder = connection.applyTo(RestoreRequest.builder(), user, credentials, hostKeyPolicy);
        return service.applyTo(builder).backup(backup).pgdata(pgdata).confirm(confirm).backupHost(backupHost)
                .backupHostKnownHosts(backupHostKnownHosts).backupHostIdentity(backupHostIdentity).build();
    }

    String host() {
        return connection.host();
    }

    /** host:PGDATA, for messages. */
    String where() {
        return connection.host() + ":" + pgdata;
    }

    /**
     * The options of {@code pg-offline-backup attach} that find a run of this restore, for messages:
     * {@code --restore --pgdata PGDATA}, after {@code --sudo} for a restore that acts through sudo: its
     * run's files belong to the cluster owner, whom attach must act as too.
     */
    static String attachOptions(boolean sudo, String pgdata) {
        return (sudo ? "--sudo " : "") + "--restore --pgdata " + pgdata;
    }

    /**
     * @param rawPgdata the fields as written, before expansion: the same variable in both is no
     *     confirmation
     */
    @CheckForNull
    static String confirmation(@CheckForNull String pgdata, @CheckForNull String confirm, @CheckForNull String rawPgdata,
            @CheckForNull String rawConfirm) {
        if (confirm == null) {
            return Messages.Validation_confirmRequired(pgdata == null ? "" : pgdata);
        }
        if (pgdata != null && !pgdata.equals(confirm)) {
            return Messages.Validation_confirmMismatch(pgdata, confirm);
        }
        if (rawConfirm != null && rawConfirm.contains("$") && rawConfirm.equals(rawPgdata)) {
            return Messages.Validation_confirmSameVariable(rawConfirm);
        }
        return null;
    }

    @CheckForNull
    static String backupProblem(@CheckForNull String backup, @CheckForNull String backupJob, @CheckForNull String pgdata) {
        if (backup == null) {
            return Messages.Validation_required(Messages.Field_backup());
        }
        if (backupJob != null && !backup.startsWith("/")) {
            return BACKUP_ID.matcher(backup).matches() ? null : Messages.Validation_backupId(backup, backupJob);
        }
        if (!backup.startsWith("/")) {
            return Messages.Validation_backupPath(backup);
        }
        String problem = Validation.optionalPath(Messages.Field_backup(), backup);
        if (problem != null || pgdata == null || Validation.optionalPath(Messages.Field_pgdata(), pgdata) != null) {
            return problem;
        }
        return Validation.nested(backup, pgdata) ? Messages.Validation_backupAndPgdataNested(backup, pgdata) : null;
    }
}
