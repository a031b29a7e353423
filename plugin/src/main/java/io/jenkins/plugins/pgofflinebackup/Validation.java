package io.jenkins.plugins.pgofflinebackup;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import io.pgofflinebackup.backup.ActiveSessionPolicy;
import io.pgofflinebackup.backup.ServiceManager;
import io.pgofflinebackup.backup.SnapshotMode;
import io.pgofflinebackup.postgres.StopMode;
import io.pgofflinebackup.util.Durations;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The checks on step and build step fields, worded for Jenkins users. Each returns the problem or
 * null. The same checks back the form validation and refuse a bad configuration when the build
 * starts, so a Pipeline that was never saved through the form is checked as well. The engine checks
 * the request again before it connects.
 */
final class Validation {
    private Validation() {
    }

    @CheckForNull
    static String host(@CheckForNull String value) {
        String host = Text.blankToNull(value);
        if (host == null) {
            return Messages.Validation_required(Messages.Field_host());
        }
        if (host.chars().anyMatch(Character::isWhitespace) || host.startsWith("-")) {
            return Messages.Validation_host_invalid(host);
        }
        if (host.contains("@")) {
            return Messages.Validation_host_user(host);
        }
        return null;
    }

    @CheckForNull
    static String port(int port) {
        return port < 1 || port > 65535 ? Messages.Validation_port(port) : null;
    }

    @CheckForNull
    static String port(@CheckForNull String value) {
        String text = Text.blankToNull(value);
        if (text == null) {
            return null;
        }
        try {
            return port(Integer.parseInt(text));
        } catch (NumberFormatException e) {
            return Messages.Validation_port(text);
        }
    }

    static String required(String field) {
        return Messages.Validation_required(field);
    }

    /** A whole number of at least 1, or blank for the default. */
    @CheckForNull
    static String positiveNumber(String field, @CheckForNull String value) {
        String text = Text.blankToNull(value);
        if (text == null) {
            return null;
        }
        try {
            return Integer.parseInt(text) >= 1 ? null : Messages.Validation_positiveNumber(field, text);
        } catch (NumberFormatException e) {
            return Messages.Validation_positiveNumber(field, text);
        }
    }

    @CheckForNull
    static String credentialsId(@CheckForNull String value) {
        return Text.blankToNull(value) == null ? Messages.Validation_required(Messages.Field_credentialsId()) : null;
    }

    @CheckForNull
    static String requiredPath(String field, @CheckForNull String value) {
        String path = Text.blankToNull(value);
        return path == null ? Messages.Validation_required(field) : optionalPath(field, path);
    }

    @CheckForNull
    static String optionalPath(String field, @CheckForNull String value) {
        String path = Text.blankToNull(value);
        if (path == null) {
            return null;
        }
        if (!Text.isOneLine(path)) {
            return Messages.Validation_oneLine(field);
        }
        return path.startsWith("/") ? null : Messages.Validation_absolute(field, path);
    }

    /** A problem with a backup host spec ([USER@]HOST[:PORT]), or null; empty means none. */
    @CheckForNull
    static String destHost(@CheckForNull String value) {
        if (Text.blankToNull(value) == null) {
            return null;
        }
        try {
            io.pgofflinebackup.backup.Destination.OnBackupHost.parseHost(value, "user");
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /** The destination must not be the data directory or inside it: the copy would copy itself. */
    @CheckForNull
    /** --pull-to: an absolute path on the agent; not with a destination on the host, --keep or a pre-copy. */
    static String pullTo(@CheckForNull String pullTo, @CheckForNull String dest, int keep, boolean precopy) {
        String problem = requiredPath(Messages.Field_pullTo(), pullTo);
        if (problem != null) {
            return problem;
        }
        if (Text.blankToNull(dest) != null) {
            return Messages.Validation_pullToAndDest();
        }
        if (keep > 0) {
            return Messages.Validation_pullToKeep();
        }
        return precopy ? Messages.Validation_pullToPrecopy() : null;
    }

    static String dest(@CheckForNull String dest, @CheckForNull String pgdata) {
        String problem = requiredPath(Messages.Field_dest(), dest);
        if (problem != null || optionalPath(Messages.Field_pgdata(), pgdata) != null || Text.blankToNull(pgdata) == null) {
            return problem;
        }
        return inside(dest.strip(), pgdata.strip()) ? Messages.Validation_destInsidePgdata(dest.strip(), pgdata.strip())
                : null;
    }

    /** Whether one of two absolute paths is the other or inside it. */
    static boolean nested(String a, String b) {
        return inside(a, b) || inside(b, a);
    }

    private static boolean inside(String path, String dir) {
        String p = Path.of(path).normalize().toString();
        String d = Path.of(dir).normalize().toString();
        return p.equals(d) || p.startsWith(d.endsWith("/") ? d : d + "/");
    }

    @CheckForNull
    static String stopMode(@CheckForNull String value) {
        String mode = Text.blankToNull(value);
        if (mode == null) {
            return null;
        }
        try {
            StopMode.parse(mode);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    @CheckForNull
    static String snapshot(@CheckForNull String value) {
        String mode = Text.blankToNull(value);
        if (mode == null) {
            return null;
        }
        try {
            SnapshotMode.parse(mode);
            return null;
        } catch (IllegalArgumentException e) {
            return Messages.Validation_snapshot(mode);
        }
    }

    @CheckForNull
    static String keep(int value) {
        return value < 0 ? Messages.Validation_keep(value) : null;
    }

    @CheckForNull
    static String activeSessions(@CheckForNull String value) {
        String policy = Text.blankToNull(value);
        if (policy == null) {
            return null;
        }
        try {
            ActiveSessionPolicy.parse(policy);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /** A duration as the CLI takes it (90s, 15m, 1h30m), at least one second. */
    @CheckForNull
    static String duration(String field, @CheckForNull String value) {
        String text = Text.blankToNull(value);
        if (text == null) {
            return null;
        }
        try {
            Duration duration = Durations.parse(text);
            return duration.toSeconds() < 1 ? Messages.Validation_durationTooShort(field, text) : null;
        } catch (IllegalArgumentException e) {
            return Messages.Validation_duration(field, text);
        }
    }

    /** The stop and start commands replace pg_ctl together, so one without the other is refused. */
    @CheckForNull
    static String serviceCommand(String field, @CheckForNull String value, @CheckForNull String other) {
        String command = Text.blankToNull(value);
        if (command != null && !Text.isOneLine(command)) {
            return Messages.Validation_oneLine(field);
        }
        if ((command == null) != (Text.blankToNull(other) == null)) {
            return Messages.Validation_serviceCommandsTogether();
        }
        return null;
    }

    /** A known service manager, and custom exactly when stop and start commands are given. */
    @CheckForNull
    static String service(@CheckForNull String value, @CheckForNull String stopCommand) {
        String word = Text.blankToNull(value);
        if (word == null) {
            return null;
        }
        ServiceManager manager;
        try {
            manager = ServiceManager.parse(word);
        } catch (IllegalArgumentException e) {
            return Messages.Validation_service(ServiceManager.allowed());
        }
        boolean commands = Text.blankToNull(stopCommand) != null;
        if (manager == ServiceManager.CUSTOM && !commands) {
            return Messages.Validation_serviceCustomNeedsCommands();
        }
        if (commands && manager != ServiceManager.CUSTOM && manager != ServiceManager.AUTO) {
            return Messages.Validation_serviceCommandsAreCustom(manager.word());
        }
        return null;
    }

    @CheckForNull
    static String oneLine(String field, @CheckForNull String value) {
        String text = Text.blankToNull(value);
        return text == null || Text.isOneLine(text) ? null : Messages.Validation_oneLine(field);
    }
}
