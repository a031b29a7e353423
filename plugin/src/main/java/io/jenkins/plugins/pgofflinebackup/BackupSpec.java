package io.jenkins.plugins.pgofflinebackup;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import io.pgofflinebackup.backup.BackupRequest;
import io.pgofflinebackup.backup.ServiceManager;
import io.pgofflinebackup.backup.SnapshotMode;
import io.pgofflinebackup.postgres.StopMode;
import io.pgofflinebackup.ssh.HostKeyPolicy;
import io.pgofflinebackup.ssh.SshCredentials;
import java.io.Serializable;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * A checked backup configuration without secrets, small enough to send to the agent that runs the
 * engine. Null optional values leave the engine's defaults in force, so the defaults live in one
 * place ({@link BackupRequest.Builder}).
 */
record BackupSpec(String host, int port, String credentialsId, String pgdata, String dest,
        @CheckForNull String pgBin, @CheckForNull StopMode stopMode, @CheckForNull Duration stopTimeout,
        @CheckForNull Duration startTimeout, @CheckForNull String activeSessions, @CheckForNull Duration maxDowntime,
        @CheckForNull String stopCommand, @CheckForNull String startCommand, @CheckForNull String dbUser,
        @CheckForNull String dbName, @CheckForNull String serverLog, @CheckForNull Duration connectTimeout,
        @CheckForNull Duration reconnectTimeout, @CheckForNull ServiceManager serviceManager,
        boolean sudo, @CheckForNull SnapshotMode snapshot, boolean precopy, int keep, @CheckForNull String destHost,
        @CheckForNull String destHostKnownHosts, @CheckForNull String destHostIdentity, @CheckForNull String pullTo)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /**
     * Checks and normalizes the configuration.
     *
     * @param expand applied to every text field first: the freestyle build step expands build
     *     variables such as ${DB_HOST}; Pipeline scripts interpolate their own strings
     * @throws IllegalArgumentException naming every problem, worded for the user
     */
    static BackupSpec of(BackupParameters p, UnaryOperator<String> expand) {
        SpecParser parser = new SpecParser(expand);
        Connection connection = parser.connection(p, p.getReconnectTimeout(), true);
        String pgdata = parser.text(p.getPgdata());
        String dest = parser.text(p.getDest());
        String pullTo = parser.text(p.getPullTo());
        parser.check(Validation.requiredPath(Messages.Field_pgdata(), pgdata));
        if (pullTo == null) {
            parser.check(Validation.dest(dest, pgdata));
        } else {
            parser.check(Validation.pullTo(pullTo, dest, p.getKeep(), p.isPrecopy()));
        }
        ServiceSpec service = parser.service(p);
        String snapshot = parser.text(p.getSnapshot());
        String snapshotProblem = Validation.snapshot(snapshot);
        parser.check(snapshotProblem);
        parser.check(Validation.keep(p.getKeep()));
        String destHost = parser.text(p.getDestHost());
        parser.check(Validation.destHost(destHost));
        String knownHosts = parser.text(p.getDestHostKnownHosts());
        String identity = parser.text(p.getDestHostIdentity());
        parser.check(Validation.optionalPath("Backup host known_hosts", knownHosts));
        parser.check(Validation.optionalPath("Backup host identity", identity));
        if (pullTo != null && destHost != null) {
            parser.check("'Pull to' and 'Backup host' exclude each other: the backup goes to the agent or to the backup"
                    + " host, not both");
        }
        parser.throwIfAny();
        return of(connection, pgdata, dest, service, snapshot == null ? null : SnapshotMode.parse(snapshot),
                p.isPrecopy(), p.getKeep(), pullTo == null ? null : pullTo.strip()).withBackupHost(destHost, knownHosts, identity);
    }

    /** The same backup, pushed by the database host to a backup host ({@code dest} is then a directory there). */
    BackupSpec withBackupHost(@CheckForNull String host, @CheckForNull String knownHosts,
            @CheckForNull String identity) {
        return new BackupSpec(this.host, port, credentialsId, pgdata, dest, pgBin, stopMode, stopTimeout, startTimeout,
                activeSessions, maxDowntime, stopCommand, startCommand, dbUser, dbName, serverLog, connectTimeout,
                reconnectTimeout, serviceManager, sudo, snapshot, precopy, keep, host, knownHosts, identity, pullTo);
    }

    static BackupSpec of(Connection c, String pgdata, String dest, ServiceSpec s, @CheckForNull SnapshotMode snapshot,
            boolean precopy, int keep, @CheckForNull String pullTo) {
        return new BackupSpec(c.host(), c.port(), c.credentialsId(), pgdata, dest, s.pgBin(), s.stopMode(),
                s.stopTimeout(), s.startTimeout(), s.activeSessions(), s.maxDowntime(), s.stopCommand(),
                s.startCommand(), s.dbUser(), s.dbName(), s.serverLog(), c.connectTimeout(), c.reconnectTimeout(),
                s.service(), s.sudo(), snapshot, precopy, keep, null, null, null, pullTo);
    }

    Connection connection() {
        return new Connection(host, port, credentialsId, connectTimeout, reconnectTimeout);
    }

    ServiceSpec service() {
        return new ServiceSpec(pgBin, stopMode, stopTimeout, startTimeout, activeSessions, maxDowntime, stopCommand,
                startCommand, dbUser, dbName, serverLog, serviceManager, sudo);
    }

    /** The engine request, built where the engine runs, with the secrets that never travel in a spec. */
    BackupRequest toRequest(String user, SshCredentials credentials, HostKeyPolicy hostKeyPolicy) {
        BackupRequest.Builder builder = connection().applyTo(BackupRequest.builder(), user, credentials, hostKeyPolicy);
        builder = service().applyTo(builder).pgdata(pgdata).dest(dest).precopy(precopy).keep(keep)
                .destHost(destHost).destHostKnownHosts(destHostKnownHosts).destHostIdentity(destHostIdentity);
        if (pullTo != null) {
            // The engine runs on the agent, so the directory is the agent's, written by this JVM.
            builder.dest(null).pullTo(java.nio.file.Path.of(pullTo));
        }
        if (snapshot != null) {
            builder.snapshot(snapshot);
        }
        return builder.build();
    }

    /**
     * How long to wait for the engine to report after an abort: long enough for the runner to
     * abandon the copy and start PostgreSQL again, with a margin for reconnecting.
     */
    Duration abortGrace() {
        return service().abortGrace();
    }

    /** host:PGDATA, for messages. */
    String where() {
        return host + ":" + pgdata;
    }

    /** The options of {@code pg-offline-backup attach} that find a run of this backup, for messages. */
    String attachOptions() {
        return attachOptions(sudo, pgdata, dest);
    }

    /**
     * {@code --dest DEST}, after {@code --sudo --pgdata PGDATA} for a backup that acts through sudo: its
     * run's files belong to the cluster owner, whom attach must act as too.
     */
    static String attachOptions(boolean sudo, String pgdata, String dest) {
        return (sudo ? "--sudo --pgdata " + pgdata + " " : "") + "--dest " + dest;
    }
}
