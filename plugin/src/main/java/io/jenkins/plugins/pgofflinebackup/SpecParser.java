package io.jenkins.plugins.pgofflinebackup;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import io.pgofflinebackup.backup.ServiceManager;
import io.pgofflinebackup.postgres.StopMode;
import io.pgofflinebackup.util.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Reads step and build step fields into specs: expands them (the freestyle build steps expand
 * ${VAR}; Pipeline scripts interpolate their own strings), checks them with {@link Validation},
 * and collects every problem, so that a configuration is refused once, naming all of them.
 */
final class SpecParser {
    private final UnaryOperator<String> expand;
    private final List<String> problems = new ArrayList<>();

    SpecParser(UnaryOperator<String> expand) {
        this.expand = expand;
    }

    /** Trimmed and expanded, or null when blank. */
    @CheckForNull
    String text(@CheckForNull String value) {
        String text = Text.blankToNull(value);
        return text == null ? null : Text.blankToNull(expand.apply(text));
    }

    void check(@CheckForNull String problem) {
        if (problem != null) {
            problems.add(problem);
        }
    }

    /** A checked duration, or null when blank or wrong (then the problem is noted). */
    @CheckForNull
    Duration duration(String field, @CheckForNull String text) {
        String problem = Validation.duration(field, text);
        check(problem);
        return problem != null || text == null ? null : Durations.parse(text);
    }

    /** @param withReconnect whether the job follows a runner and so takes a reconnect time-out */
    Connection connection(ConnectionParameters p, @CheckForNull String reconnectTimeout, boolean withReconnect) {
        String host = text(p.getHost());
        String credentialsId = text(p.getCredentialsId());
        check(Validation.host(host));
        check(Validation.port(p.getPort()));
        check(Validation.credentialsId(credentialsId));
        Duration connect = duration(Messages.Field_connectTimeout(), text(p.getConnectTimeout()));
        Duration reconnect = withReconnect
                ? duration(Messages.Field_reconnectTimeout(), text(reconnectTimeout)) : null;
        return new Connection(host, p.getPort(), credentialsId, connect, reconnect);
    }

    ServiceSpec service(ServiceParameters p) {
        String pgBin = text(p.getPgBin());
        String stopMode = text(p.getStopMode());
        String activeSessions = text(p.getActiveSessions());
        String stopCommand = text(p.getStopCommand());
        String startCommand = text(p.getStartCommand());
        String dbUser = text(p.getDbUser());
        String dbName = text(p.getDbName());
        String serverLog = text(p.getServerLog());
        String service = text(p.getService());
        check(Validation.optionalPath(Messages.Field_pgBin(), pgBin));
        String stopModeProblem = Validation.stopMode(stopMode);
        check(stopModeProblem);
        Duration stopTimeout = duration(Messages.Field_stopTimeout(), text(p.getStopTimeout()));
        Duration startTimeout = duration(Messages.Field_startTimeout(), text(p.getStartTimeout()));
        String sessionsProblem = Validation.activeSessions(activeSessions);
        check(sessionsProblem);
        Duration maxDowntime = duration(Messages.Field_maxDowntime(), text(p.getMaxDowntime()));
        check(Validation.serviceCommand(Messages.Field_stopCommand(), stopCommand, startCommand));
        check(Validation.oneLine(Messages.Field_startCommand(), startCommand));
        check(Validation.oneLine(Messages.Field_dbUser(), dbUser));
        check(Validation.oneLine(Messages.Field_dbName(), dbName));
        check(Validation.optionalPath(Messages.Field_serverLog(), serverLog));
        String serviceProblem = Validation.service(service, stopCommand);
        check(serviceProblem);
        return new ServiceSpec(pgBin, stopMode == null || stopModeProblem != null ? null : StopMode.parse(stopMode),
                stopTimeout, startTimeout, sessionsProblem == null ? activeSessions : null, maxDowntime, stopCommand,
                startCommand, dbUser, dbName, serverLog,
                service == null || serviceProblem != null ? null : ServiceManager.parse(service), p.isSudo());
    }

    /** @throws IllegalArgumentException naming every problem noted, worded for the user */
    void throwIfAny() {
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join(" ", problems));
        }
    }
}
