package io.pgofflinebackup.backup;

import io.pgofflinebackup.postgres.StopMode;
import io.pgofflinebackup.ssh.HostKeyPolicy;
import io.pgofflinebackup.ssh.SshCredentials;
import io.pgofflinebackup.ssh.SshTarget;
import java.time.Duration;

/**
 * The settings backup and restore requests share, with the defaults a careful DBA expects:
 * known_hosts host key checking, a fast stop, one minute for stop and start, refusing connected
 * sessions, no downtime limit.
 */
public abstract class JobSettingsBuilder<B extends JobSettingsBuilder<B>> {
    private SshTarget target;
    private SshCredentials credentials;
    private HostKeyPolicy hostKeyPolicy = HostKeyPolicy.defaultPolicy();
    private Duration connectTimeout = Duration.ofSeconds(20);
    private Duration reconnectTimeout = Duration.ofMinutes(5);
    private String pgBin;
    private StopMode stopMode = StopMode.FAST;
    private Duration stopTimeout = Duration.ofSeconds(60);
    private Duration startTimeout = Duration.ofSeconds(60);
    private ActiveSessionPolicy activeSessions = ActiveSessionPolicy.REFUSE;
    private Duration maxDowntime;
    private String stopCommand;
    private String startCommand;
    private String dbUser;
    private String dbName = "postgres";
    private String serverLog;
    private ServiceManager serviceManager = ServiceManager.AUTO;
    private boolean sudo;

    protected abstract B self();

    public B target(SshTarget value) {
        target = value;
        return self();
    }

    public B credentials(SshCredentials value) {
        credentials = value;
        return self();
    }

    public B hostKeyPolicy(HostKeyPolicy value) {
        hostKeyPolicy = value;
        return self();
    }

    public B connectTimeout(Duration value) {
        connectTimeout = value;
        return self();
    }

    public B reconnectTimeout(Duration value) {
        reconnectTimeout = value;
        return self();
    }

    public B pgBin(String value) {
        pgBin = value;
        return self();
    }

    public B stopMode(StopMode value) {
        stopMode = value;
        return self();
    }

    public B stopTimeout(Duration value) {
        stopTimeout = value;
        return self();
    }

    public B startTimeout(Duration value) {
        startTimeout = value;
        return self();
    }

    public B activeSessions(ActiveSessionPolicy value) {
        activeSessions = value;
        return self();
    }

    public B maxDowntime(Duration value) {
        maxDowntime = value;
        return self();
    }

    public B serviceCommands(String stop, String start) {
        stopCommand = stop;
        startCommand = start;
        return self();
    }

    public B dbUser(String value) {
        dbUser = value;
        return self();
    }

    public B dbName(String value) {
        dbName = value;
        return self();
    }

    public B serverLog(String value) {
        serverLog = value;
        return self();
    }

    public B serviceManager(ServiceManager value) {
        serviceManager = value;
        return self();
    }

    public B sudo(boolean value) {
        sudo = value;
        return self();
    }

    protected ConnectionSettings connection() {
        return new ConnectionSettings(target, credentials, hostKeyPolicy, connectTimeout, reconnectTimeout);
    }

    protected ServiceSettings service() {
        return new ServiceSettings(pgBin, stopMode, stopTimeout, startTimeout, activeSessions, maxDowntime,
                stopCommand, startCommand, dbUser, dbName, serverLog, serviceManager, sudo);
    }
}
