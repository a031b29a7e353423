package io.pgofflinebackup.backup;

import io.pgofflinebackup.ErrorCode;
import io.pgofflinebackup.JobFailure;
import io.pgofflinebackup.ssh.ExecResult;
import io.pgofflinebackup.ssh.ShellQuote;
import io.pgofflinebackup.ssh.SshSession;
import io.pgofflinebackup.util.Bytes;
import io.pgofflinebackup.util.RemoteScripts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * The pre-flight of a backup to a backup host, run on the database host while PostgreSQL still
 * runs: the database host reaches the backup host with ssh on its own (key accepted, host key
 * known, no prompt), rsync is on both, the directory exists and is writable there, and it has room
 * for the copy. Each refusal has its own error code and says what to do.
 */
final class BackupHostPreflight {
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private BackupHostPreflight() {
    }

    /** What the check found: free bytes and the real path of the directory on the backup host. */
    record Found(long freeBytes, String realPath) {
    }

    static Found check(SshSession ssh, BackupRequest request, Destination.OnBackupHost destination, long requiredBytes,
            boolean running)
            throws JobFailure {
        ByteArrayOutputStream script = new ByteArrayOutputStream();
        script.writeBytes(RemoteScripts.lib());
        script.writeBytes(RemoteScripts.script("desthost.sh"));
        script.writeBytes(("DEST_LOGIN=$1 DEST_PORT=$2 DEST_KNOWN_HOSTS=$3 DEST_IDENTITY=$4 HOST_LIB=\n"
                + "work=$(mktemp -d \"${TMPDIR:-/tmp}/pgob-desthost.XXXXXXXX\") || exit 1\n"
                + "host_preflight \"$work\" \"$5\"\nrm -rf \"$work\"\n").getBytes(StandardCharsets.UTF_8));
        String command = "sh -s -- " + ShellQuote.command(List.of(destination.login(),
                Integer.toString(destination.host().port()), nullToEmpty(request.destHostKnownHosts()),
                nullToEmpty(request.destHostIdentity()), destination.path()));
        ExecResult result;
        try {
            result = ssh.exec(command, script.toByteArray(), TIMEOUT);
        } catch (IOException e) {
            throw new JobFailure(ErrorCode.CONNECTION_FAILED, "checking the backup host failed: " + e.getMessage(), e);
        }
        String line = result.stdout().lines().filter(l -> l.startsWith("ok\t") || l.startsWith("fail\t"))
                .findFirst().orElse("");
        String[] fields = line.split("\t", 3);
        if (fields[0].equals("fail") && fields.length == 3) {
            throw new JobFailure(ErrorCode.fromRunner(fields[1]), fields[2] + ". Nothing was changed", running, null);
        }
        if (!fields[0].equals("ok") || fields.length < 3 || !fields[1].matches("\\d+")) {
            throw new JobFailure(ErrorCode.MISSING_TOOLS, "the check of the backup host failed on the database host"
                    + " (exit " + result.exitStatus() + "): " + result.firstErrorLine());
        }
        long free = Long.parseLong(fields[1]);
        if (free < requiredBytes) {
            throw new JobFailure(ErrorCode.NO_SPACE, "not enough space in " + destination.path() + " on the backup host "
                    + destination.login() + ": the copy needs up to " + Bytes.human(requiredBytes)
                    + " with a margin, but only " + Bytes.human(free) + " are free. Nothing was changed", running, null);
        }
        return new Found(free, fields[2]);
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }
}
