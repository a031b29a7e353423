package io.pgofflinebackup.cli;

import io.pgofflinebackup.backup.BackupJob;
import io.pgofflinebackup.backup.BackupRequest;
import io.pgofflinebackup.backup.BackupResult;
import io.pgofflinebackup.backup.ProgressListener;
import io.pgofflinebackup.util.Bytes;
import java.io.PrintStream;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code backup}: stop, copy, verify, start, record. */
@Command(name = "backup", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Take an offline backup: stop PostgreSQL cleanly, copy and verify PGDATA, start it again.")
final class BackupCommand implements Callable<Integer> {
    @Mixin
    BackupOptions options;

    @Override
    public Integer call() {
        PrintStream out = System.out;
        BackupRequest request;
        try {
            request = options.toRequest(System.getenv());
        } catch (UsageError e) {
            return e.report(options.json);
        }
        ProgressListener progress = new ConsoleProgress(System.err, System.console() != null, Clock.systemUTC());
        if (options.json) {
            progress = JsonOutput.preparedOnRunnerStart(progress);
        }
        BackupJob job = new BackupJob(request, progress);
        BackupResult result = AbortOnExit.run(job::abort, job::run);
        if (options.json) {
            out.println(JsonOutput.backup(result));
        } else {
            summary(result, out);
        }
        return result.exitCode();
    }

    private static void summary(BackupResult result, PrintStream out) {
        if (result.ok()) {
            out.println("Backup " + result.backupId() + " complete: " + result.files() + " files, "
                    + Bytes.human(result.bytes()) + ", PostgreSQL down for " + result.downtimeMillis() + " ms");
            out.println("  backup:   " + result.backupPath());
            out.println("  manifest: " + result.manifestPath());
            out.println("  log:      " + result.logPath());
            return;
        }
        out.println("Backup FAILED (" + result.errorCode() + "): " + result.errorMessage());
        if (result.logPath() != null) {
            out.println("  log: " + result.logPath());
        }
        out.println("  PostgreSQL: " + (result.databaseRunning() == null ? "state unknown"
                : result.databaseRunning() ? "running" : "NOT running"));
    }
}
