package io.pgofflinebackup.cli;

import io.pgofflinebackup.ErrorCode;
import io.pgofflinebackup.backup.BackupJob;
import io.pgofflinebackup.backup.BackupRequest;
import io.pgofflinebackup.backup.BackupResult;
import io.pgofflinebackup.backup.ProgressListener;
import io.pgofflinebackup.util.Bytes;
import java.io.PrintStream;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
            return usage(e, out);
        }
        ProgressListener progress = new ConsoleProgress(System.err, System.console() != null, Clock.systemUTC());
        BackupJob job = new BackupJob(request, progress);
        CountDownLatch finished = new CountDownLatch(1);
        // Ctrl-C asks the runner to abandon the copy and start PostgreSQL again, and waits for it; a
        // SIGKILL cannot be caught, and then the runner finishes on its own.
        Thread hook = new Thread(() -> {
            job.abort();
            try {
                finished.await(5, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "abort-backup");
        Runtime.getRuntime().addShutdownHook(hook);
        BackupResult result;
        try {
            result = job.run();
        } finally {
            finished.countDown();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // The JVM is exiting because of Ctrl-C; the hook is waiting for us and lets it go now.
        }
        if (options.json) {
            out.println(JsonOutput.backup(result));
        } else {
            summary(result, out);
        }
        return result.exitCode();
    }

    private int usage(UsageError e, PrintStream out) {
        if (options.json) {
            out.println(JsonOutput.failure(ErrorCode.BAD_INPUT, e.getMessage(), null, 2));
        } else {
            System.err.println("error: " + e.getMessage());
        }
        return 2;
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
