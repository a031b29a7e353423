package io.pgofflinebackup.backup;

import io.pgofflinebackup.ErrorCode;
import io.pgofflinebackup.JobFailure;
import io.pgofflinebackup.runner.JobLog;
import io.pgofflinebackup.util.RemoteScripts;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * pg_verifybackup and pg_checksums of a copy pulled to this machine (--pull-to), run here, where
 * the copy is: the database host cannot read it, and it has no other place to be checked. They are
 * those of the cluster's own major version, found as on a backup host (Debian's and the PGDG
 * packages' places, pg_config's, the PATH), and run through the same shell functions as there
 * (lib.sh, with a POSIX sh), so that a pulled copy is checked exactly like one on a host: pg_verifybackup
 * with --skip-checksums (the SHA-256 are the ones this side computed as it wrote the files), and
 * pg_checksums through the view that leads pg_tblspc to the copy's tablespaces. Without the
 * binaries the verdicts stay {@code skipped}, and the log says where they were looked for.
 *
 * <p>A pg_verifybackup that fails fails the backup: the copy stays a partial directory, as on a
 * host. Bad page checksums are a warning: the copy is still a faithful copy of what was stopped.
 */
final class PulledCopyChecks {
    private static final String SKIPPED = "skipped";
    private static final Pattern BAD = Pattern.compile("(?m)^Bad checksums: *([1-9][0-9]*)$");

    private final Path partial;
    private final String major;
    private final JobLog log;
    private final Clock clock;
    private final Boolean databaseRunning;
    private final StringBuilder record = new StringBuilder();

    /** @param databaseRunning whether PostgreSQL runs now, for a failure's result (null: unknown) */
    PulledCopyChecks(Path partial, String major, JobLog log, Clock clock, Boolean databaseRunning) {
        this.partial = partial;
        this.major = major;
        this.log = log;
        this.clock = clock;
        this.databaseRunning = databaseRunning;
    }

    /**
     * Runs what the runner could not ({@code skipped} in its verdicts), records the verdicts in the
     * copy's manifest.json and its log lines in backup.log, and returns the verdicts.
     */
    ManifestVerdicts.Verdicts run(String runnerVerifybackup, String runnerChecksums) throws JobFailure, IOException {
        String verifybackup = runnerVerifybackup;
        String checked = "";
        String checksums = runnerChecksums;
        Path lib = Files.createTempFile("pg-offline-backup-lib", ".sh");
        try {
            Files.write(lib, RemoteScripts.lib());
            if (SKIPPED.equals(runnerVerifybackup) && Files.isRegularFile(partial.resolve("backup_manifest"))) {
                verifybackup = verifybackup(lib);
                if (verifybackup.equals("passed")) {
                    checked = "WAL, file list and sizes (--skip-checksums: the sha256 were computed by this machine as"
                            + " it wrote the files)";
                }
            }
            if (SKIPPED.equals(runnerChecksums)) {
                checksums = checksums(lib);
            }
        } finally {
            Files.deleteIfExists(lib);
        }
        Files.writeString(partial.resolve("backup.log"), record, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        ManifestVerdicts.Verdicts verdicts = new ManifestVerdicts.Verdicts(verifybackup, checked, checksums);
        if (!verifybackup.equals(runnerVerifybackup) || !checksums.equals(runnerChecksums)) {
            ManifestVerdicts.record(partial.resolve("manifest.json"), verdicts);
        }
        return verdicts;
    }

    private String verifybackup(Path lib) throws JobFailure, IOException {
        Tool tool = run(lib, "pg_verifybackup", "pg_verifybackup_safely", partial.resolve("backup_manifest").toString(),
                partial.toString(), "--skip-checksums");
        if (tool.path() == null) {
            return skipped("pg_verifybackup", tool, "pulled copies checked by it");
        }
        info("checking the pulled copy on this machine with " + tool.path()
                + " --skip-checksums: the WAL and every file and its size (the SHA-256 of each file were computed"
                + " here as it was written)");
        raw(tool.output());
        if (tool.status() != 0) {
            throw new JobFailure(ErrorCode.VERIFY_FAILED, "pg_verifybackup on this machine found the pulled copy"
                    + " inconsistent with its manifest: " + firstLines(tool.output()) + ". The copy stays in " + partial
                    + ", which is never taken for a backup", databaseRunning, null);
        }
        return "passed";
    }

    private String checksums(Path lib) throws IOException {
        Tool tool = run(lib, "pg_checksums", "pg_checksums_split", partial.toString());
        if (tool.path() == null) {
            return skipped("pg_checksums", tool, "the data page checksums of pulled copies checked, or use --snapshot,"
                    + " whose clone is checked on the database host");
        }
        info("the data page checksums of the pulled copy, on this machine, by " + tool.path() + " --check:");
        raw(tool.output());
        if (tool.status() == 0) {
            return "passed";
        }
        Matcher bad = BAD.matcher(tool.output());
        if (bad.find()) {
            warn("pg_checksums found pages with bad checksums in the pulled copy (" + bad.group(1)
                    + " blocks, listed in the log): the cluster has damaged pages; the backup holds them as they were");
            return "failed";
        }
        warn("pg_checksums could not check the pulled copy (status " + tool.status() + ", see the log)");
        return "error";
    }

    /** Says why NAME did not run here; {@code toHave} ends the advice to install PostgreSQL here. */
    private String skipped(String name, Tool tool, String toHave) {
        if (tool.unavailable() != null) {
            info(name + " skipped on this machine: " + tool.unavailable());
        } else {
            info(name + " skipped on this machine too: it has no " + name + " of PostgreSQL " + major
                    + " (looked in /usr/lib/postgresql/" + major + "/bin, /usr/pgsql-" + major
                    + "/bin, pg_config's and the PATH); install PostgreSQL " + major + "'s binaries here to have "
                    + toHave);
        }
        return SKIPPED;
    }

    /** What pg_tool_run printed: the tool's path on the first line ("none" without it), then its output. */
    private record Tool(String path, int status, String output, String unavailable) {
        static Tool missing(String why) {
            return new Tool(null, 0, "", why);
        }
    }

    private Tool run(Path lib, String tool, String function, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("sh", "-c", ". \"$0\" && pg_tool_run \"$@\"", lib.toString(),
                major, tool, function));
        command.addAll(List.of(args));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        } catch (IOException e) {
            return Tool.missing("it cannot run a POSIX sh here (" + e.getMessage() + ")");
        }
        String out;
        try (InputStream in = process.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        int status;
        try {
            status = process.waitFor();
        } catch (InterruptedException e) {
            // pg_checksums and its like are the shell's children: they go first.
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(tool + " on this machine was interrupted", e);
        }
        int newline = out.indexOf('\n');
        String first = newline < 0 ? out.strip() : out.substring(0, newline);
        if (first.equals("none")) {
            return Tool.missing(null);
        }
        if (!first.startsWith("/")) {
            // lib.sh did not even get to look for the tool (a shell that is not POSIX enough).
            return Tool.missing(firstLines(out));
        }
        return new Tool(first, status, newline < 0 ? "" : out.substring(newline + 1), null);
    }

    private void info(String message) {
        log.info(message);
        stamp(message);
    }

    private void warn(String message) {
        log.warn(message);
        stamp("WARNING: " + message);
    }

    private void stamp(String message) {
        record.append(JobLog.line(clock, message));
    }

    private void raw(String output) {
        for (String line : output.split("\n")) {
            if (!line.isEmpty()) {
                log.info(line);
                record.append(line).append('\n');
            }
        }
    }

    private static String firstLines(String output) {
        String joined = String.join("; ", output.strip().lines().limit(3).toList());
        return joined.isEmpty() ? "(it said nothing)" : joined;
    }
}
