package io.pgofflinebackup.backup;

import io.pgofflinebackup.ErrorCode;
import io.pgofflinebackup.JobFailure;
import io.pgofflinebackup.ssh.ExecResult;
import io.pgofflinebackup.ssh.SshSession;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * {@code --sudo} for a login user who is not the cluster owner: every command of the job then runs
 * as the owner through {@code sudo -n -u OWNER /bin/sh -c ...} (inspection, runner, verification),
 * so the runner copies, proves and starts with the owner's rights exactly as if the owner had
 * logged in. That needs one sudoers rule, checked here before anything else with {@code sudo -n -l},
 * so that a missing rule is refused with PostgreSQL untouched and the line to add in the message.
 */
public final class SudoAccess {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private SudoAccess() {
    }

    /** The sudoers line that lets {@code login} act as {@code owner} the way this class does. */
    public static String sudoersLine(String login, String owner) {
        return login + " ALL=(" + owner + ") NOPASSWD: /bin/sh";
    }

    /**
     * Finds the owner of the first of {@code paths} that exists and, unless the login user is that
     * owner, checks the sudo rule and makes every later command of {@code ssh} run as the owner.
     * Returns what was done, for the log.
     */
    public static String become(SshSession ssh, List<String> paths) throws JobFailure, IOException {
        ExecResult who = HostLookup.exec(ssh, TIMEOUT, "owner", paths);
        List<String> lines = who.stdout().lines().toList();
        String login = lines.isEmpty() ? "" : lines.get(0).strip();
        String owner = lines.size() < 2 ? "" : lines.get(1).strip();
        if (owner.isEmpty()) {
            throw new JobFailure(ErrorCode.PGDATA_NOT_FOUND, "with --sudo the job acts as the owner of " + paths.get(0)
                    + ", but it does not exist or '" + login + "' cannot see it (stat); check --pgdata and that '"
                    + login + "' may enter its parent directories. Nothing was changed");
        }
        if (owner.equals(login)) {
            return "logged in as the cluster owner '" + owner + "'; sudo is only used for systemctl";
        }
        if (owner.equals("root")) {
            throw new JobFailure(ErrorCode.OWNER_MISMATCH, paths.get(0) + " belongs to root, not to a PostgreSQL "
                    + "cluster owner; check --pgdata. Nothing was changed");
        }
        ExecResult allowed = HostLookup.exec(ssh, TIMEOUT, "sudo_rule", List.of(owner));
        if (!allowed.ok()) {
            String said = allowed.firstErrorLine().isBlank() ? "no rule allows it" : allowed.firstErrorLine();
            throw new JobFailure(ErrorCode.SUDO_NOT_ALLOWED, "--sudo: sudo does not let '" + login + "' run /bin/sh as '"
                    + owner + "' without a password (sudo -n -l -u " + owner + " /bin/sh: " + said + "). Every "
                    + "command of the job runs as the cluster owner through 'sudo -n -u " + owner + " /bin/sh -c ...';"
                    + " allow that with this sudoers line (visudo -f /etc/sudoers.d/pg-offline-backup): "
                    + sudoersLine(login, owner) + ". Nothing was changed");
        }
        ssh.actAs(owner);
        return "logged in as '" + login + "'; acting as the cluster owner '" + owner + "' through sudo -n";
    }
}
