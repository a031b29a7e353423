package io.pgofflinebackup.verify;

import io.pgofflinebackup.ErrorCode;
import io.pgofflinebackup.JobFailure;
import io.pgofflinebackup.postgres.ClusterInspection;
import io.pgofflinebackup.ssh.ExecResult;
import io.pgofflinebackup.ssh.ShellQuote;
import io.pgofflinebackup.ssh.SshSession;
import io.pgofflinebackup.util.RemoteScripts;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Runs verify.sh on the host: a backup (or a restored copy) against its manifest. Reads only. */
public final class BackupVerifier {
    private static final byte[] SCRIPT = RemoteScripts.withLib("verify.sh");

    /** How thoroughly: every file's checksum, or the list, types and sizes only. */
    public enum Mode { CHECKSUMS, SIZES }

    private final SshSession ssh;
    private final Duration timeout;

    public BackupVerifier(SshSession ssh, Duration timeout) {
        this.ssh = ssh;
        this.timeout = timeout;
    }

    /**
     * @param dataDir the directory to compare, or null for the backup's own data/
     * @param pgBin where pg_verifybackup is, or null to skip it
     */
    public VerifyReport verify(String backupDir, Mode mode, String dataDir, String pgBin) throws JobFailure {
        String command = "sh -s -- " + ShellQuote.command(List.of(backupDir,
                mode == Mode.CHECKSUMS ? "checksums" : "sizes", dataDir == null ? "" : dataDir,
                pgBin == null ? "" : pgBin));
        ExecResult result;
        try {
            result = ssh.exec(command, SCRIPT, timeout);
        } catch (IOException e) {
            throw new JobFailure(ErrorCode.CONNECTION_FAILED, "verifying " + backupDir + " failed: "
                    + e.getMessage(), e);
        }
        ClusterInspection out = ClusterInspection.parse(result.stdout());
        if (!out.complete()) {
            throw new JobFailure(ErrorCode.MISSING_TOOLS, "the verify script failed on the host (exit "
                    + result.exitStatus() + "): " + result.firstErrorLine());
        }
        List<VerifyProblem> problems = new ArrayList<>();
        for (String value : out.all("problem")) {
            problems.add(VerifyProblem.parse(value));
        }
        return new VerifyReport(backupDir, out.get("status"), out.get("backup_id"), out.get("major_version"),
                out.get("system_identifier"), out.get("pgdata"), Math.max(0, out.number("files")),
                Math.max(0, out.number("bytes")), out.get("pg_verifybackup"), List.copyOf(problems),
                Math.max(0, out.number("data_bytes")), out.all("area").stream().map(BackupArea::parse).toList(),
                out.all("config").stream().map(ConfigFile::parse).toList(), Math.max(0, out.number("config_bytes")));
    }
}
