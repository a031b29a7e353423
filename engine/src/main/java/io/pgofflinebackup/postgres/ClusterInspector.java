package io.pgofflinebackup.postgres;

import io.pgofflinebackup.ErrorCode;
import io.pgofflinebackup.JobFailure;
import io.pgofflinebackup.ssh.ExecResult;
import io.pgofflinebackup.ssh.ShellQuote;
import io.pgofflinebackup.ssh.SshSession;
import io.pgofflinebackup.util.RemoteScripts;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Runs inspect.sh on the host. It only reads; PostgreSQL keeps running. */
public final class ClusterInspector {
    private static final byte[] SCRIPT = RemoteScripts.withLib("inspect.sh");

    private final SshSession ssh;
    private final Duration timeout;
    private boolean sudo;

    public ClusterInspector(SshSession ssh, Duration timeout) {
        this.ssh = ssh;
        this.timeout = timeout;
    }

    /** With --sudo the inspection also asks sudo whether the runner may run systemctl for the unit it finds. */
    public ClusterInspector withSudo(boolean value) {
        sudo = value;
        return this;
    }

    public ClusterInspection inspect(String pgdata, String dest, String pgBin, String dbUser, String dbName)
            throws JobFailure {
        return inspect(pgdata, dest, pgBin, dbUser, dbName, "");
    }

    /** @param versionHint major version to find binaries for when PGDATA has no PG_VERSION */
    public ClusterInspection inspect(String pgdata, String dest, String pgBin, String dbUser, String dbName,
            String versionHint) throws JobFailure {
        return inspect(pgdata, dest, pgBin, dbUser, dbName, versionHint, List.of());
    }

    /** @param targets paths a restore would write to, each inspected (see {@link TargetPath}) */
    public ClusterInspection inspect(String pgdata, String dest, String pgBin, String dbUser, String dbName,
            String versionHint, List<String> targets) throws JobFailure {
        return inspect(pgdata, dest, pgBin, dbUser, dbName, versionHint, targets, false);
    }

    /**
     * @param probeClones also find out, by trying, whether PGDATA and each directory it links to can be
     *        cloned copy-on-write beside itself ({@link ClusterInspection#cloneProbes()})
     */
    public ClusterInspection inspect(String pgdata, String dest, String pgBin, String dbUser, String dbName,
            String versionHint, List<String> targets, boolean probeClones) throws JobFailure {
        List<String> args = new ArrayList<>(List.of(pgdata, dest, pgBin, dbUser, dbName, versionHint));
        args.addAll(targets);
        String command = (sudo ? "PGOB_SUDO=true " : "") + (probeClones ? "PGOB_REFLINK_PROBE=1 " : "")
                + "sh -s -- " + ShellQuote.command(args);
        ExecResult result;
        try {
            result = ssh.exec(command, SCRIPT, timeout);
        } catch (IOException e) {
            throw new JobFailure(ErrorCode.CONNECTION_FAILED, "inspecting the cluster failed: " + e.getMessage(), e);
        }
        ClusterInspection inspection = ClusterInspection.parse(result.stdout());
        if (!result.ok() || !inspection.complete()) {
            throw new JobFailure(ErrorCode.MISSING_TOOLS, "the inspection script failed on the host (exit "
                    + result.exitStatus() + "): " + result.firstErrorLine()
                    + ". The host needs a POSIX sh with GNU coreutils and findutils");
        }
        return inspection;
    }
}
