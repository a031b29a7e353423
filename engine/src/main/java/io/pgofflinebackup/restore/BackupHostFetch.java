package io.pgofflinebackup.restore;

import io.pgofflinebackup.ErrorCode;
import io.pgofflinebackup.JobFailure;
import io.pgofflinebackup.backup.BackupHostCall;
import io.pgofflinebackup.backup.Destination;
import io.pgofflinebackup.ssh.ShellQuote;
import io.pgofflinebackup.ssh.SshSession;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * Brings a backup made with --dest-host back to the database host before a restore: the database
 * host pulls it with rsync over ssh (its own key and known_hosts, as for the backup) into a
 * directory beside PGDATA, while PostgreSQL still runs. The restore then verifies and restores that
 * copy as any backup on the host; the original stays on the backup host untouched.
 */
final class BackupHostFetch {
    private static final Duration TIMEOUT = Duration.ofHours(12);

    private BackupHostFetch() {
    }

    /** Fetches into {@code staging} (which must not exist; its parent must); returns the bytes fetched. */
    static long fetch(SshSession ssh, RestoreRequest request, Destination.OnBackupHost from, String staging)
            throws JobFailure {
        String[] fields;
        try {
            fields = BackupHostCall.run(ssh, from, request.backupHostKnownHosts(), request.backupHostIdentity(),
                    "host_fetch", List.of(from.path(), staging), 2, TIMEOUT, null,
                    "fetching the backup from the backup host");
        } catch (IOException e) {
            throw new JobFailure(ErrorCode.CONNECTION_FAILED, "fetching the backup from the backup host failed: "
                    + e.getMessage() + ". PostgreSQL was not touched; a partial copy may be left in " + staging, e);
        }
        return Long.parseLong(fields[1]);
    }

    /** Removes the fetched copy (never anything but that directory). */
    static void remove(SshSession ssh, String staging) throws IOException {
        ssh.exec("rm -rf -- " + ShellQuote.quote(staging), null, Duration.ofMinutes(10));
    }
}
