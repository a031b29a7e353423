package io.jenkins.plugins.pgofflinebackup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgofflinebackup.backup.ActiveSessionPolicy;
import io.pgofflinebackup.backup.BackupRequest;
import io.pgofflinebackup.backup.ServiceManager;
import io.pgofflinebackup.backup.SnapshotMode;
import io.pgofflinebackup.postgres.StopMode;
import io.pgofflinebackup.ssh.HostKeyPolicy;
import io.pgofflinebackup.ssh.SshCredentials;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class BackupSpecTest {
    private static final SshCredentials KEY = new SshCredentials.PrivateKey("test", "KEY".getBytes(StandardCharsets.UTF_8), null);
    private static final HostKeyPolicy POLICY = new HostKeyPolicy.InsecureAcceptAny();

    static PgOfflineBackupStep fullStep() {
        PgOfflineBackupStep step = new PgOfflineBackupStep("db1.example.com", "db1-ssh", "/var/lib/postgresql/16/main",
                "/backup/db1");
        step.setPort(2222);
        step.setHostKeyVerification(new TrustOnFirstUseVerification());
        step.setStopMode("smart");
        step.setStopTimeout("2m");
        step.setStartTimeout("90s");
        step.setActiveSessions("wait:5m");
        step.setMaxDowntime("15m");
        step.setStopCommand("sudo -n systemctl stop postgresql@16-main");
        step.setStartCommand("sudo -n systemctl start postgresql@16-main");
        step.setDbUser("backup_check");
        step.setDbName("app");
        step.setPgBin("/usr/lib/postgresql/16/bin");
        step.setServerLog("/var/log/postgresql/restart.log");
        step.setService("custom");
        step.setSudo(true);
        step.setConnectTimeout("45s");
        step.setReconnectTimeout("10m");
        step.setSnapshot("reflink");
        step.setPrecopy(true);
        step.setKeep(7);
        return step;
    }

    @Test
    void attachIsToldToActAsTheOwnerOnlyForASudoBackup() {
        assertEquals("--dest /backup/db1", BackupSpec.attachOptions(false, "/var/lib/postgresql/16/main", "/backup/db1"));
        assertEquals("--sudo --pgdata /var/lib/postgresql/16/main --dest /backup/db1",
                BackupSpec.attachOptions(true, "/var/lib/postgresql/16/main", "/backup/db1"));
    }

    @Test
    void everyStepFieldReachesTheEngineRequest() {
        BackupSpec spec = BackupSpec.of(fullStep(), UnaryOperator.identity());
        BackupRequest request = spec.toRequest("postgres", KEY, POLICY);

        assertEquals("db1.example.com", request.target().host());
        assertEquals(2222, request.target().port());
        assertEquals("postgres", request.target().user());
        assertEquals(KEY, request.credentials());
        assertEquals(POLICY, request.hostKeyPolicy());
        assertEquals("/var/lib/postgresql/16/main", request.pgdata());
        assertEquals("/backup/db1", request.dest());
        assertEquals(StopMode.SMART, request.stopMode());
        assertEquals(Duration.ofMinutes(2), request.stopTimeout());
        assertEquals(Duration.ofSeconds(90), request.startTimeout());
        assertEquals(ActiveSessionPolicy.waitFor(Duration.ofMinutes(5)), request.activeSessions());
        assertEquals(Duration.ofMinutes(15), request.maxDowntime());
        assertEquals("sudo -n systemctl stop postgresql@16-main", request.stopCommand());
        assertEquals("sudo -n systemctl start postgresql@16-main", request.startCommand());
        assertEquals("backup_check", request.dbUser());
        assertEquals("app", request.dbName());
        assertEquals("/usr/lib/postgresql/16/bin", request.pgBin());
        assertEquals("/var/log/postgresql/restart.log", request.serverLog());
        assertEquals(Duration.ofSeconds(45), request.connectTimeout());
        assertEquals(Duration.ofMinutes(10), request.reconnectTimeout());
        assertEquals(ServiceManager.CUSTOM, request.serviceManager());
        assertTrue(request.sudo());
        assertEquals(SnapshotMode.REFLINK, request.snapshot());
        assertTrue(request.precopy());
        assertEquals(7, request.keep());
        request.validate();
        assertEquals("db1-ssh", spec.credentialsId());
    }

    @Test
    void unsetOptionalFieldsKeepTheEngineDefaults() {
        PgOfflineBackupStep step = new PgOfflineBackupStep("db1", "id", "/data", "/backup");
        BackupRequest request = BackupSpec.of(step, UnaryOperator.identity()).toRequest("postgres", KEY, POLICY);
        BackupRequest defaults = BackupRequest.builder().target(request.target()).credentials(KEY)
                .hostKeyPolicy(POLICY).pgdata("/data").dest("/backup").build();

        assertEquals(defaults, request);
        assertEquals(22, request.target().port());
        assertEquals(StopMode.FAST, request.stopMode());
        assertEquals(ActiveSessionPolicy.REFUSE, request.activeSessions());
        assertNull(request.maxDowntime());
        assertEquals("postgres", request.dbName());
        assertEquals(SnapshotMode.AUTO, request.snapshot());
        assertFalse(request.precopy());
        assertEquals(0, request.keep());
        assertTrue(request.link());
    }

    @Test
    void pullToMakesARequestThatPullsIntoTheAgentDirectory() {
        PgOfflineBackupStep step = new PgOfflineBackupStep("db1", "id", "/data", "");
        step.setPullTo("/var/backups/pulled");
        BackupRequest request = BackupSpec.of(step, UnaryOperator.identity()).toRequest("postgres", KEY, POLICY);

        assertEquals(new io.pgofflinebackup.backup.Destination.PulledTo(java.nio.file.Path.of("/var/backups/pulled")),
                request.destination());
        assertTrue(request.pulled());
        assertEquals("", request.dest());
        request.validate();
    }

    @Test
    void pullToWithADestinationKeepOrPrecopyIsRefused() {
        PgOfflineBackupStep both = new PgOfflineBackupStep("db1", "id", "/data", "/backup");
        both.setPullTo("/var/backups/pulled");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BackupSpec.of(both, UnaryOperator.identity()))
                .getMessage().contains("not both"));
        PgOfflineBackupStep keep = new PgOfflineBackupStep("db1", "id", "/data", null);
        keep.setPullTo("/var/backups/pulled");
        keep.setKeep(3);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BackupSpec.of(keep, UnaryOperator.identity()))
                .getMessage().contains("Backups to keep is not supported"));
        PgOfflineBackupStep relative = new PgOfflineBackupStep("db1", "id", "/data", null);
        relative.setPullTo("pulled");
        assertThrows(IllegalArgumentException.class, () -> BackupSpec.of(relative, UnaryOperator.identity()));
    }

    @Test
    void aWrongSnapshotOrKeepIsRefusedWithTheFieldNamed() {
        PgOfflineBackupStep step = new PgOfflineBackupStep("db1", "id", "/data", "/backup");
        step.setSnapshot("zfs");
        step.setKeep(-1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BackupSpec.of(step, UnaryOperator.identity()));
        assertTrue(e.getMessage().contains("Snapshot must be auto, reflink or none, not 'zfs'"), e.getMessage());
        assertTrue(e.getMessage().contains("Backups to keep"), e.getMessage());
    }

    @Test
    void aBackupHostReachesTheEngineAndAWrongOneIsRefused() {
        PgOfflineBackupStep step = new PgOfflineBackupStep("db1", "id", "/data", "/srv/backups");
        step.setDestHost("backup@vault1:2222");
        step.setDestHostKnownHosts("/var/lib/postgresql/.ssh/vault_known_hosts");
        step.setDestHostIdentity("/var/lib/postgresql/.ssh/id_vault");
        BackupRequest request = BackupSpec.of(step, UnaryOperator.identity()).toRequest("postgres", KEY, POLICY);
        request.validate();
        io.pgofflinebackup.backup.Destination.OnBackupHost to =
                (io.pgofflinebackup.backup.Destination.OnBackupHost) request.destination();
        assertEquals("backup@vault1", to.login());
        assertEquals(2222, to.host().port());
        assertEquals("/srv/backups", to.path());
        assertEquals("/var/lib/postgresql/.ssh/vault_known_hosts", request.destHostKnownHosts());
        assertEquals("/var/lib/postgresql/.ssh/id_vault", request.destHostIdentity());

        step.setDestHost("-oProxyCommand=touch /tmp/x");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BackupSpec.of(step, UnaryOperator.identity()));
        assertTrue(e.getMessage().contains("[USER@]HOST[:PORT]"), e.getMessage());
    }

    @Test
    void blankFormFieldsMeanDefaults() {
        PgOfflineBackupStep step = new PgOfflineBackupStep(" db1 ", "id", "/data", "/backup");
        step.setMaxDowntime("  ");
        step.setStopMode("");
        step.setDbName("");
        assertNull(step.getMaxDowntime());
        assertNull(step.getStopMode());
        BackupSpec spec = BackupSpec.of(step, UnaryOperator.identity());
        assertEquals("db1", spec.host());
        assertNull(spec.maxDowntime());
    }

    @Test
    void everyProblemIsNamedAtOnce() {
        PgOfflineBackupStep step = new PgOfflineBackupStep("", "", "data", "/data/backup");
        step.setPort(0);
        step.setStopMode("immediate");
        step.setMaxDowntime("soon");
        step.setStopCommand("stop it");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BackupSpec.of(step, UnaryOperator.identity()));
        String message = e.getMessage();
        assertTrue(message.contains("Host is required."), message);
        assertTrue(message.contains("Credentials is required."), message);
        assertTrue(message.contains("not 0"), message);
        assertTrue(message.contains("PGDATA must be an absolute path"), message);
        assertTrue(message.contains("skips the shutdown checkpoint"), message);
        assertTrue(message.contains("\"soon\" is not a duration"), message);
        assertTrue(message.contains("The stop and start commands go together"), message);
    }

    @Test
    void destinationInsidePgdataIsRefused() {
        PgOfflineBackupStep step = new PgOfflineBackupStep("db1", "id", "/data", "/data/backups");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BackupSpec.of(step, UnaryOperator.identity()));
        assertTrue(e.getMessage().contains("the backup would copy itself"));
    }

    @Test
    void freestyleFieldsAreExpandedBeforeTheyAreChecked() {
        PgOfflineBackupBuilder builder = new PgOfflineBackupBuilder("${DB_HOST}", "${CREDS}", "${PGDATA}", "/backup/${DB_HOST}");
        builder.setMaxDowntime("${DOWNTIME}");
        Map<String, String> env = Map.of("DB_HOST", "db7", "CREDS", "db7-ssh", "PGDATA", "/srv/pg", "DOWNTIME", "20m");
        UnaryOperator<String> expand = text -> {
            String out = text;
            for (Map.Entry<String, String> e : env.entrySet()) {
                out = out.replace("${" + e.getKey() + "}", e.getValue());
            }
            return out;
        };

        BackupSpec spec = BackupSpec.of(builder, expand);

        assertEquals("db7", spec.host());
        assertEquals("db7-ssh", spec.credentialsId());
        assertEquals("/srv/pg", spec.pgdata());
        assertEquals("/backup/db7", spec.dest());
        assertEquals(Duration.ofMinutes(20), spec.maxDowntime());
    }

    @Test
    void theServiceManagerIsCheckedAgainstTheCommands() {
        PgOfflineBackupStep unknown = new PgOfflineBackupStep("db1", "id", "/data", "/backup");
        unknown.setService("upstart");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BackupSpec.of(unknown, UnaryOperator.identity()))
                .getMessage().contains("auto, pg_ctl, pg_ctlcluster, systemd, custom"));
        PgOfflineBackupStep customAlone = new PgOfflineBackupStep("db1", "id", "/data", "/backup");
        customAlone.setService("custom");
        assertThrows(IllegalArgumentException.class, () -> BackupSpec.of(customAlone, UnaryOperator.identity()));
        PgOfflineBackupStep systemdWithCommands = fullStep();
        systemdWithCommands.setService("systemd");
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> BackupSpec.of(systemdWithCommands, UnaryOperator.identity())).getMessage().contains("systemd"));
        PgOfflineBackupStep systemd = new PgOfflineBackupStep("db1", "id", "/data", "/backup");
        systemd.setService("systemd");
        assertEquals(ServiceManager.SYSTEMD, BackupSpec.of(systemd, UnaryOperator.identity())
                .toRequest("postgres", KEY, POLICY).serviceManager());
    }

    @Test
    void builderMapsExactlyLikeTheStep() {
        PgOfflineBackupStep step = fullStep();
        PgOfflineBackupBuilder builder = new PgOfflineBackupBuilder(step.getHost(), step.getCredentialsId(),
                step.getPgdata(), step.getDest());
        builder.setPort(step.getPort());
        builder.setHostKeyVerification(step.getHostKeyVerification());
        builder.setStopMode(step.getStopMode());
        builder.setStopTimeout(step.getStopTimeout());
        builder.setStartTimeout(step.getStartTimeout());
        builder.setActiveSessions(step.getActiveSessions());
        builder.setMaxDowntime(step.getMaxDowntime());
        builder.setStopCommand(step.getStopCommand());
        builder.setStartCommand(step.getStartCommand());
        builder.setDbUser(step.getDbUser());
        builder.setDbName(step.getDbName());
        builder.setPgBin(step.getPgBin());
        builder.setServerLog(step.getServerLog());
        builder.setService(step.getService());
        builder.setSudo(step.isSudo());
        builder.setConnectTimeout(step.getConnectTimeout());
        builder.setReconnectTimeout(step.getReconnectTimeout());
        builder.setSnapshot(step.getSnapshot());
        builder.setPrecopy(step.isPrecopy());
        builder.setKeep(step.getKeep());

        assertEquals(BackupSpec.of(step, UnaryOperator.identity()), BackupSpec.of(builder, UnaryOperator.identity()));
    }

    @Test
    void specTravelsToAnAgentAndHoldsNoSecret() throws Exception {
        BackupSpec spec = BackupSpec.of(fullStep(), UnaryOperator.identity());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(spec);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertEquals(spec, in.readObject());
        }
        assertFalse(spec.toString().contains("KEY"));
    }

    @Test
    void abortGraceCoversStopStartAndReconnect() {
        BackupSpec spec = BackupSpec.of(fullStep(), UnaryOperator.identity());
        assertEquals(Duration.ofMinutes(2).plusSeconds(90).plusMinutes(2), spec.abortGrace());
    }
}
