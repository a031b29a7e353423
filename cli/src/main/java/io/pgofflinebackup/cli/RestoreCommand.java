package io.pgofflinebackup.cli;

import io.pgofflinebackup.backup.ProgressListener;
import io.pgofflinebackup.restore.RestoreJob;
import io.pgofflinebackup.restore.RestoreRequest;
import io.pgofflinebackup.restore.RestoreResult;
import io.pgofflinebackup.restore.UploadedRestore;
import java.nio.file.Path;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code restore}: put a verified backup in place of a data directory, keeping what was there. */
@Command(name = "restore", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Restore a backup: verify it and check the target while PostgreSQL runs, stop it, move the "
                + "current data directory aside (never deleted), copy the backup in, verify, start and prove it "
                + "serves; roll back to the original if it does not.")
final class RestoreCommand implements Callable<Integer> {
    @ArgGroup(exclusive = false, multiplicity = "1", heading = "%nConnection:%n")
    ConnectionOptions connection = new ConnectionOptions();

    @Option(names = "--backup", paramLabel = "DIR",
            description = "The backup directory on the host (or on --backup-host). Give --backup or --upload-from.")
    String backup;

    @Option(names = "--backup-host", paramLabel = "[USER@]HOST[:PORT]",
            description = "The backup is on this backup host (made with backup --dest-host): the database host fetches "
                    + "it with rsync over ssh into a directory beside PGDATA first, while PostgreSQL runs, then restores "
                    + "from that copy and removes it. USER defaults to the --user we log in as, PORT to 22.")
    String backupHost;

    @Option(names = "--backup-host-known-hosts", paramLabel = "FILE",
            description = "known_hosts file on the database host with the backup host's key (default: that user's "
                    + "~/.ssh/known_hosts).")
    String backupHostKnownHosts;

    @Option(names = "--backup-host-identity", paramLabel = "FILE",
            description = "Private key file on the database host that the backup host accepts (default: ssh's own).")
    String backupHostIdentity;

    @Option(names = "--upload-from", paramLabel = "DIR",
            description = "A backup directory on THIS machine (DIR/<id>, as --pull-to makes it): it is streamed into a "
                    + "staging directory beside --pgdata on the host (needs room for a second copy there), verified, "
                    + "restored from, and the staging copy removed.")
    Path uploadFrom;

    @Option(names = "--pgdata", required = true, paramLabel = "DIR", description = "The data directory to restore into.")
    String pgdata;

    @Option(names = "--confirm", required = true, paramLabel = "TEXT",
            description = "Must repeat --pgdata exactly: a guard against restoring onto the wrong cluster.")
    String confirm;

    @Option(names = "--tablespace-map", paramLabel = "OID_OR_NAME=PATH",
            description = "Restore this tablespace (by oid, or by name) at PATH instead of its original location. "
                    + "Repeat for more tablespaces.")
    List<String> tablespaceMap = new ArrayList<>();

    @Option(names = "--wal-dir", paramLabel = "DIR",
            description = "Restore a WAL directory that was outside PGDATA (pg_wal was a link) at DIR instead of its "
                    + "original location.")
    String walDir;

    @Option(names = "--keep-config",
            description = "Leave the configuration files outside PGDATA (e.g. /etc/postgresql/...) as they are; by "
                    + "default the backup's copies are put back (what is there is moved aside).")
    boolean keepConfig;

    @Mixin
    ServiceOptions service = new ServiceOptions();

    @Option(names = "--json", description = "Print one JSON object with the result on stdout.")
    boolean json;

    @Override
    public Integer call() {
        PrintStream out = System.out;
        RestoreRequest request;
        try {
            if ((backup == null) == (uploadFrom == null)) {
                throw new UsageError(backup == null ? "give --backup DIR (on the host) or --upload-from DIR (on this machine)"
                        : "--backup and --upload-from exclude each other: give one of them");
            }
            if (uploadFrom != null && backupHost != null) {
                throw new UsageError("--backup-host and --upload-from exclude each other: the backup is either on a"
                        + " backup host or on this machine");
            }
            String from = backup;
            if (uploadFrom != null) {
                uploadFrom = uploadFrom.toAbsolutePath().normalize();
                try {
                    from = UploadedRestore.stagingPath(pgdata, UploadedRestore.idOf(uploadFrom));
                } catch (IllegalArgumentException e) {
                    throw new UsageError(e.getMessage(), e);
                }
            }
            RestoreRequest.Builder builder = RestoreRequest.builder().backup(from).pgdata(pgdata).confirm(confirm)
                    .walDir(walDir).keepConfig(keepConfig).backupHost(backupHost)
                    .backupHostKnownHosts(backupHostKnownHosts).backupHostIdentity(backupHostIdentity);
            for (String mapping : tablespaceMap) {
                int eq = mapping.indexOf('=');
                if (eq <= 0 || eq == mapping.length() - 1) {
                    throw new UsageError("--tablespace-map takes OID_OR_NAME=PATH, not '" + mapping + "'");
                }
                builder.tablespaceMap(mapping.substring(0, eq), mapping.substring(eq + 1));
            }
            request = service.apply(connection.apply(builder, System.getenv())).build();
        } catch (UsageError e) {
            return e.report(json);
        }
        ProgressListener progress = new ConsoleProgress(System.err, System.console() != null, Clock.systemUTC());
        if (json) {
            progress = JsonOutput.preparedOnRunnerStart(progress);
        }
        RestoreResult result;
        if (uploadFrom != null) {
            UploadedRestore upload = new UploadedRestore(request, uploadFrom, progress);
            result = AbortOnExit.run(upload::abort, upload::run);
        } else {
            RestoreJob job = new RestoreJob(request, progress);
            result = AbortOnExit.run(job::abort, job::run);
        }
        if (json) {
            out.println(JsonOutput.restore(result));
        } else {
            summary(result, out);
        }
        return result.exitCode();
    }

    /** The human-readable result, also of a re-attached restore (attach --restore). */
    static void summary(RestoreResult result, PrintStream out) {
        if (result.ok()) {
            out.println("Restore complete: " + result.pgdata() + " now holds " + result.restoredFrom()
                    + "; PostgreSQL runs (down for " + result.downtimeMillis() + " ms)");
            if (result.movedAsideTo() != null) {
                out.println("  the previous data directory is kept at " + result.movedAsideTo()
                        + " (remove it by hand once satisfied)");
            }
            for (RestoreResult.MovedAside m : result.alsoMovedAside()) {
                out.println("  " + (m.what().equals("config") ? "the configuration file " : m.what().equals("wal")
                        ? "the WAL directory " : "the tablespace directory ") + m.original() + " is kept at "
                        + m.aside());
            }
            out.println("  log: " + result.logPath());
            return;
        }
        out.println("Restore FAILED (" + result.errorCode() + "): " + result.errorMessage());
        out.println("  rolled back: " + result.rolledBack() + "; PostgreSQL: " + (result.databaseRunning() == null
                ? "state unknown" : result.databaseRunning() ? "running" : "NOT running"));
        if (result.logPath() != null) {
            out.println("  log: " + result.logPath());
        }
    }
}
