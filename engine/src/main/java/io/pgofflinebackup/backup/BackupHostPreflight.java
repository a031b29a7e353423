package io.pgofflinebackup.backup;

import io.pgofflinebackup.ErrorCode;
import io.pgofflinebackup.JobFailure;
import io.pgofflinebackup.ssh.SshSession;
import io.pgofflinebackup.util.Bytes;
import java.io.IOException;
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
        String[] fields;
        try {
            fields = BackupHostCall.run(ssh, destination, request.destHostKnownHosts(), request.destHostIdentity(),
                    "host_preflight", List.of(destination.path()), 3, TIMEOUT, running, "the check of the backup host");
        } catch (IOException e) {
            throw new JobFailure(ErrorCode.CONNECTION_FAILED, "checking the backup host failed: " + e.getMessage(), e);
        }
        long free = Long.parseLong(fields[1]);
        if (free < requiredBytes) {
            throw new JobFailure(ErrorCode.NO_SPACE, "not enough space in " + destination.path() + " on the backup host "
                    + destination.login() + ": the copy needs up to " + Bytes.human(requiredBytes)
                    + " with a margin, but only " + Bytes.human(free) + " are free. Nothing was changed", running, null);
        }
        return new Found(free, fields[2]);
    }
}
