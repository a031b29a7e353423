package io.pgofflinebackup.cli;

import io.pgofflinebackup.ErrorCode;
import io.pgofflinebackup.JobFailure;
import io.pgofflinebackup.backup.ConnectionSettings;
import io.pgofflinebackup.ssh.SshSession;
import io.pgofflinebackup.verify.BackupVerifier;
import io.pgofflinebackup.verify.VerifyProblem;
import io.pgofflinebackup.verify.VerifyReport;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code verify}: a backup on the host against its manifest. Reads only. */
@Command(name = "verify", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Re-read a backup on the host and check it against its manifest.json: every file present "
                + "with its size and SHA-256, no extra files, the manifest itself intact; and PostgreSQL's "
                + "pg_verifybackup where the backup has a backup_manifest. Exit 0 valid, 1 not valid "
                + "(or a .partial directory), 2 bad usage or no connection.")
final class VerifyCommand implements Callable<Integer> {
    @ArgGroup(exclusive = false, multiplicity = "1", heading = "%nConnection:%n")
    ConnectionOptions connection = new ConnectionOptions();

    @Option(names = "--backup", required = true, paramLabel = "DIR", description = "The backup directory on the host.")
    String backup;

    @Option(names = "--pg-bin", paramLabel = "DIR",
            description = "Directory of pg_verifybackup (of the backup's major version) to run it too.")
    String pgBin;

    @Option(names = "--sizes-only", description = "Check the list and sizes, not the checksums (fast).")
    boolean sizesOnly;

    @Option(names = "--json", description = "Print one JSON object with the result on stdout.")
    boolean json;

    @Override
    public Integer call() {
        PrintStream out = System.out;
        VerifyReport report;
        try {
            if (!backup.startsWith("/") || backup.contains("\n")) {
                throw new UsageError("--backup must be an absolute path on one line, not '" + backup + "'");
            }
            ConnectionSettings settings = connection.apply(new AttachCommand.ConnectionOnly(), System.getenv()).settings();
            try (SshSession ssh = settings.connector(w -> System.err.println("WARNING  " + w)).connect()) {
                report = new BackupVerifier(ssh, Duration.ofHours(12)).verify(backup,
                        sizesOnly ? BackupVerifier.Mode.SIZES : BackupVerifier.Mode.CHECKSUMS, null, pgBin);
            }
        } catch (UsageError e) {
            return fail(out, ErrorCode.BAD_INPUT, e.getMessage());
        } catch (JobFailure e) {
            return fail(out, e.code(), e.getMessage());
        }
        int exit = report.valid() ? 0 : 1;
        if (json) {
            out.println(JsonOutput.verify(report, exit));
        } else {
            out.println((report.valid() ? "Backup is valid: " : "Backup is NOT valid (" + report.status() + "): ")
                    + report.backup());
            out.println("  " + report.files() + " files, " + report.bytes() + " bytes; pg_verifybackup: "
                    + report.pgVerifybackup());
            for (VerifyProblem p : report.problems()) {
                out.println("  " + p.describe());
            }
        }
        return exit;
    }

    private int fail(PrintStream out, ErrorCode code, String message) {
        if (json) {
            out.println(JsonOutput.failure(code, message, null, 2));
        } else {
            System.err.println("error: " + message);
        }
        return 2;
    }
}
