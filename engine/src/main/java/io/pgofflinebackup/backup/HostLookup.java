package io.pgofflinebackup.backup;

import io.pgofflinebackup.ssh.ExecResult;
import io.pgofflinebackup.ssh.ShellQuote;
import io.pgofflinebackup.ssh.SshSession;
import io.pgofflinebackup.util.RemoteScripts;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The client's lookups on a host outside a run's own scripts (who owns the cluster, what is left of
 * a run, where off-host runs keep their files, the totals of a completed backup): each one exec of
 * lookup.sh, sent on stdin, with the lookup's name and quoted arguments.
 */
public final class HostLookup {
    private static final byte[] SCRIPT = RemoteScripts.script("lookup.sh");

    private HostLookup() {
    }

    public static ExecResult exec(SshSession ssh, Duration timeout, String lookup, List<String> arguments)
            throws IOException {
        List<String> command = new ArrayList<>(List.of("sh", "-s", "--", lookup));
        command.addAll(arguments);
        return ssh.exec(ShellQuote.command(command), SCRIPT, timeout);
    }
}
