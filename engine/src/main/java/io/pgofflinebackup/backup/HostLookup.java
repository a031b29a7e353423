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

    /** A lookup that answers in "key=value" lines (run_state, restore_state). */
    public static Answer ask(SshSession ssh, Duration timeout, String lookup, List<String> arguments)
            throws IOException {
        return new Answer(exec(ssh, timeout, lookup, arguments).stdout());
    }

    /** What a lookup printed as "key=value" lines; a key may come on several lines. */
    public record Answer(String out) {
        /** The value of the first line for {@code key}, or "" when there is none. */
        public String value(String key) {
            return values(key).stream().findFirst().orElse("");
        }

        /** The values of every line for {@code key}, in the order printed. */
        public List<String> values(String key) {
            return out.lines().filter(l -> l.startsWith(key + "=")).map(l -> l.substring(key.length() + 1)).toList();
        }

        /** A count the lookup printed (a size in bytes, say); 0 when it is not a number. */
        public long number(String key) {
            String value = value(key).strip();
            return value.matches("\\d+") ? Long.parseLong(value) : 0;
        }
    }
}
