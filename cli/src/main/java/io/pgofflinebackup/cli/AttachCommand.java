package io.pgofflinebackup.cli;

import io.pgofflinebackup.backup.BackupJob;
import io.pgofflinebackup.backup.BackupResult;
import io.pgofflinebackup.backup.ConnectionSettings;
import io.pgofflinebackup.backup.JobSettingsBuilder;
import io.pgofflinebackup.backup.ServiceSettings;
import io.pgofflinebackup.restore.RestoreJob;
import io.pgofflinebackup.restore.RestoreResult;
import java.io.PrintStream;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code attach}: follow a backup or restore run that an earlier client started, to its end. */
@Command(name = "attach", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Re-attach to a backup run (--dest, --id) or a restore run (--restore, --pgdata, --id) "
                + "started by a client that went away (killed, lost its connection): follow it to its end and "
                + "report it like backup or restore does. A run that already ended is reported as it ended. "
                + "`plan` lists the backup runs in a destination.")
final class AttachCommand implements Callable<Integer> {
    @ArgGroup(exclusive = false, multiplicity = "1", heading = "%nConnection:%n")
    ConnectionOptions connection = new ConnectionOptions();

    @Option(names = "--dest", paramLabel = "DIR", description = "For a backup run: the backup destination, a"
            + " directory of the database host, or, for a run that copies to a backup host (--dest-host), the"
            + " directory there.")
    String dest;

    @Option(names = "--restore", description = "Re-attach to a restore run of --pgdata instead of a backup run:"
            + " the restore's runner finishes it or rolls back by itself, and this reports how it ended.")
    boolean restore;

    @Option(names = "--id", required = true, paramLabel = "ID", description = "The backup id of the run; for a"
            + " restore, the run id its start line names (its run directory .<name>.restore-<id>.run beside the"
            + " data directory).")
    String id;

    @Option(names = "--sudo", description = "For a run started with --sudo: act as the owner of --pgdata through"
            + " sudo -n, as that run did (its files are the owner's). The same sudoers rule as the run's.")
    boolean sudo;

    @Option(names = "--pgdata", paramLabel = "DIR", description = "With --restore: the data directory the run"
            + " restores. With --sudo: the data directory the run backs up or restores, whose owner to act as.")
    String pgdata;

    @Option(names = "--json", description = "Print one JSON object with the result on stdout.")
    boolean json;

    @Override
    public Integer call() {
        PrintStream out = System.out;
        ConnectionSettings settings;
        try {
            settings = connection.apply(new ConnectionOnly(), System.getenv()).settings();
            checkOptions();
        } catch (UsageError e) {
            return e.report(json);
        }
        if (restore) {
            return reattachRestore(settings, out);
        }
        BackupResult result = BackupJob.forReattach(settings, sudo ? pgdata : null,
                new ConsoleProgress(System.err, System.console() != null, Clock.systemUTC())).reattach(dest, id);
        if (json) {
            out.println(JsonOutput.backup(result));
        } else if (result.ok()) {
            out.println("Backup " + result.backupId() + " complete: " + result.backupPath());
        } else {
            out.println("Backup run " + id + " FAILED (" + result.errorCode() + "): " + result.errorMessage());
        }
        return result.exitCode();
    }

    private int reattachRestore(ConnectionSettings settings, PrintStream out) {
        RestoreResult result = RestoreJob.forReattach(settings, sudo,
                new ConsoleProgress(System.err, System.console() != null, Clock.systemUTC())).reattach(pgdata, id);
        if (json) {
            out.println(JsonOutput.restore(result));
        } else {
            RestoreCommand.summary(result, out);
        }
        return result.exitCode();
    }

    /**
     * A backup run is found by --dest; a restore run by --pgdata, beside which it keeps its files.
     * --sudo acts as the owner of --pgdata.
     */
    private void checkOptions() {
        if (restore) {
            if (dest != null) {
                throw new UsageError("attach --restore finds the run beside the data directory it restores: give"
                        + " --pgdata, not --dest");
            }
            if (pgdata == null || pgdata.isBlank()) {
                throw new UsageError("attach --restore needs --pgdata: the data directory the run restores");
            }
            absolute(pgdata);
            return;
        }
        if (dest == null || dest.isBlank()) {
            throw new UsageError("attach needs --dest: the destination of the backup run (or --restore and --pgdata"
                    + " for a restore run)");
        }
        if (sudo && (pgdata == null || pgdata.isBlank())) {
            throw new UsageError("attach --sudo needs --pgdata: the data directory the run backs up, whose owner the"
                    + " run acted as");
        }
        if (!sudo && pgdata != null) {
            throw new UsageError("attach --pgdata is only used with --sudo (to act as the owner of that data"
                    + " directory); give --sudo too, or leave --pgdata out");
        }
        if (sudo) {
            absolute(pgdata);
        }
    }

    private static void absolute(String pgdata) {
        try {
            ServiceSettings.absolutePath("--pgdata", pgdata);
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage(), e);
        }
    }

    /** Only the connection part of the shared settings. */
    static final class ConnectionOnly extends JobSettingsBuilder<ConnectionOnly> {
        @Override
        protected ConnectionOnly self() {
            return this;
        }

        ConnectionSettings settings() {
            return connection();
        }
    }
}
