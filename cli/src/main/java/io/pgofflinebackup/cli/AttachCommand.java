package io.pgofflinebackup.cli;

import io.pgofflinebackup.backup.BackupJob;
import io.pgofflinebackup.backup.BackupResult;
import io.pgofflinebackup.backup.ConnectionSettings;
import io.pgofflinebackup.backup.JobSettingsBuilder;
import java.io.PrintStream;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code attach}: follow a backup run that an earlier client started, to its end. */
@Command(name = "attach", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Re-attach to a backup run started by a client that went away (killed, lost its "
                + "connection): follow it to its end and report it like backup does. A run that already "
                + "ended is reported as it ended. `plan` lists the runs in a destination.")
final class AttachCommand implements Callable<Integer> {
    @ArgGroup(exclusive = false, multiplicity = "1", heading = "%nConnection:%n")
    ConnectionOptions connection = new ConnectionOptions();

    @Option(names = "--dest", required = true, paramLabel = "DIR", description = "The backup destination: a"
            + " directory of the database host, or, for a run that copies to a backup host (--dest-host), the"
            + " directory there.")
    String dest;

    @Option(names = "--id", required = true, paramLabel = "ID", description = "The backup id of the run.")
    String id;

    @Option(names = "--json", description = "Print one JSON object with the result on stdout.")
    boolean json;

    @Override
    public Integer call() {
        PrintStream out = System.out;
        ConnectionSettings settings;
        try {
            settings = connection.apply(new ConnectionOnly(), System.getenv()).settings();
        } catch (UsageError e) {
            return e.report(json);
        }
        BackupResult result = BackupJob.forReattach(settings,
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
