package io.pgofflinebackup.restore;

import io.pgofflinebackup.ErrorCode;
import io.pgofflinebackup.JobFailure;
import io.pgofflinebackup.backup.Destination;
import io.pgofflinebackup.ssh.ExecResult;
import io.pgofflinebackup.ssh.ShellQuote;
import io.pgofflinebackup.ssh.SshSession;
import io.pgofflinebackup.util.RemoteScripts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
        ByteArrayOutputStream script = new ByteArrayOutputStream();
        script.writeBytes(RemoteScripts.lib());
        script.writeBytes(RemoteScripts.script("desthost.sh"));
        script.writeBytes(("DEST_LOGIN=$1 DEST_PORT=$2 DEST_KNOWN_HOSTS=$3 DEST_IDENTITY=$4 HOST_LIB=\n"
                + "work=$(mktemp -d \"${TMPDIR:-/tmp}/pgob-fetch.XXXXXXXX\") || exit 1\n"
                + "host_fetch \"$work\" \"$5\" \"$6\"\nrm -rf \"$work\"\n").getBytes(StandardCharsets.UTF_8));
        String command = "umask 077 && sh -s -- " + ShellQuote.command(List.of(from.login(),
                Integer.toString(from.host().port()), orEmpty(request.backupHostKnownHosts()),
                orEmpty(request.backupHostIdentity()), from.path(), staging));
        ExecResult result;
        try {
            result = ssh.exec(command, script.toByteArray(), TIMEOUT);
        } catch (IOException e) {
            throw new JobFailure(ErrorCode.CONNECTION_FAILED, "fetching the backup from the backup host failed: "
                    + e.getMessage() + ". PostgreSQL was not touched; a partial copy may be left in " + staging, e);
        }
        String line = result.stdout().lines().filter(l -> l.startsWith("ok\t") || l.startsWith("fail\t"))
                .findFirst().orElse("");
        String[] fields = line.split("\t", 3);
        if (fields[0].equals("fail") && fields.length == 3) {
            throw new JobFailure(ErrorCode.fromRunner(fields[1]), fields[2] + ". Nothing was changed", null, null);
        }
        if (!fields[0].equals("ok") || fields.length < 2 || !fields[1].matches("\\d+")) {
            throw new JobFailure(ErrorCode.MISSING_TOOLS, "fetching the backup from the backup host failed on the"
                    + " database host (exit " + result.exitStatus() + "): " + result.firstErrorLine());
        }
        return Long.parseLong(fields[1]);
    }

    /** Removes the fetched copy (never anything but that directory). */
    static void remove(SshSession ssh, String staging) throws IOException {
        ssh.exec("rm -rf -- " + ShellQuote.quote(staging), null, Duration.ofMinutes(10));
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }
}
