package io.pgofflinebackup.backup;

import io.pgofflinebackup.ErrorCode;
import io.pgofflinebackup.JobFailure;
import io.pgofflinebackup.ssh.ExecResult;
import io.pgofflinebackup.ssh.ShellQuote;
import io.pgofflinebackup.ssh.SshSession;
import io.pgofflinebackup.util.RemoteScripts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One function of desthost.sh run on the database host against a backup host, outside any runner
 * (the pre-flight of a backup, the fetch of a restore), with a scratch directory that is removed
 * after it. The function answers with one line, "ok<TAB>fields" or "fail<TAB>CODE<TAB>message".
 */
public final class BackupHostCall {

    private BackupHostCall() {
    }

    /**
     * Runs {@code function "$work" ARG...} and returns the fields of its "ok" line (the first is "ok").
     *
     * @param knownHosts known_hosts file on the database host, or null for ssh's
     * @param identity private key file on the database host, or null for ssh's
     * @param okFields how many tab-separated fields (2 or 3) the "ok" line has at least, "ok" included;
     *        the second must be a number, a third holds the rest of the line
     * @param databaseRunning what a refusal says of PostgreSQL, or null when it says nothing
     * @param what the action, for the message when the function gives no answer
     * @throws JobFailure with the function's code and message, or MISSING_TOOLS when it gave no answer
     */
    public static String[] run(SshSession ssh, Destination.OnBackupHost host, String knownHosts, String identity,
            String function, List<String> args, int okFields, Duration timeout, Boolean databaseRunning, String what)
            throws JobFailure, IOException {
        StringBuilder call = new StringBuilder(function).append(" \"$work\"");
        for (int i = 0; i < args.size(); i++) {
            call.append(" \"$").append(i + 5).append('"');
        }
        ByteArrayOutputStream script = new ByteArrayOutputStream();
        script.writeBytes(RemoteScripts.withLib("desthost.sh"));
        script.writeBytes(("DEST_LOGIN=$1 DEST_PORT=$2 DEST_KNOWN_HOSTS=$3 DEST_IDENTITY=$4 HOST_LIB=\n"
                + "work=$(mktemp -d \"${TMPDIR:-/tmp}/pgob-desthost.XXXXXXXX\") || exit 1\n"
                + call + "\nrm -rf \"$work\"\n").getBytes(StandardCharsets.UTF_8));
        List<String> words = new ArrayList<>(List.of(host.login(), Integer.toString(host.host().port()),
                knownHosts == null ? "" : knownHosts, identity == null ? "" : identity));
        words.addAll(args);
        ExecResult result = ssh.exec("umask 077 && sh -s -- " + ShellQuote.command(words), script.toByteArray(),
                timeout);
        String line = result.stdout().lines().filter(l -> l.startsWith("ok\t") || l.startsWith("fail\t"))
                .findFirst().orElse("");
        String[] fields = line.split("\t", 3);
        if (fields[0].equals("fail") && fields.length == 3) {
            throw new JobFailure(ErrorCode.fromRunner(fields[1]), fields[2] + ". Nothing was changed", databaseRunning,
                    null);
        }
        if (!fields[0].equals("ok") || fields.length < okFields || !fields[1].matches("\\d+")) {
            throw new JobFailure(ErrorCode.MISSING_TOOLS, what + " failed on the database host (exit "
                    + result.exitStatus() + "): " + result.firstErrorLine());
        }
        return fields;
    }
}
