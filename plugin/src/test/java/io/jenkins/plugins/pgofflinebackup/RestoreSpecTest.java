package io.jenkins.plugins.pgofflinebackup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgofflinebackup.backup.ActiveSessionPolicy;
import io.pgofflinebackup.postgres.StopMode;
import io.pgofflinebackup.backup.ServiceManager;
import io.pgofflinebackup.restore.RestoreRequest;
import io.pgofflinebackup.ssh.HostKeyPolicy;
import io.pgofflinebackup.ssh.SshCredentials;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class RestoreSpecTest {
    static final String PGDATA = "/var/lib/postgresql/16/main";
    private static final SshCredentials KEY = new SshCredentials.PrivateKey("test", "KEY".getBytes(StandardCharsets.UTF_8), null);
    private static final HostKeyPolicy POLICY = new HostKeyPolicy.InsecureAcceptAny();

    static PgOfflineRestoreStep fullStep() {
        PgOfflineRestoreStep step = new PgOfflineRestoreStep("db1.example.com", "db1-ssh", "/backup/db1/20261125T020003Z",
                PGDATA, PGDATA);
        step.setPort(2222);
        step.setHostKeyVerification(new KnownHostsFileVerification());
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
        return step;
    }

    @Test
    void everyStepFieldReachesTheEngineRequest() {
        RestoreSpec spec = RestoreSpec.of(fullStep(), UnaryOperator.identity());
        RestoreRequest request = spec.toRequest("postgres", KEY, POLICY);

        assertEquals("db1.example.com", request.connection().target().host());
        assertEquals(2222, request.connection().target().port());
        assertEquals("postgres", request.connection().target().user());
        assertEquals(KEY, request.connection().credentials());
        assertEquals(POLICY, request.connection().hostKeyPolicy());
        assertEquals(Duration.ofSeconds(45), request.connection().connectTimeout());
        assertEquals(Duration.ofMinutes(10), request.connection().reconnectTimeout());
        assertEquals("/backup/db1/20261125T020003Z", request.backup());
        assertEquals(PGDATA, request.pgdata());
        assertEquals(PGDATA, request.confirm());
        assertTrue(request.confirmed());
        assertEquals(StopMode.SMART, request.service().stopMode());
        assertEquals(Duration.ofMinutes(2), request.service().stopTimeout());
        assertEquals(Duration.ofSeconds(90), request.service().startTimeout());
        assertEquals(ActiveSessionPolicy.waitFor(Duration.ofMinutes(5)), request.service().activeSessions());
        assertEquals(Duration.ofMinutes(15), request.service().maxDowntime());
        assertEquals("sudo -n systemctl stop postgresql@16-main", request.service().stopCommand());
        assertEquals("sudo -n systemctl start postgresql@16-main", request.service().startCommand());
        assertEquals("backup_check", request.service().dbUser());
        assertEquals("app", request.service().dbName());
        assertEquals("/usr/lib/postgresql/16/bin", request.service().pgBin());
        assertEquals("/var/log/postgresql/restart.log", request.service().serverLog());
        assertEquals(ServiceManager.CUSTOM, request.service().manager());
        assertTrue(request.service().sudo());
        request.validate();
    }

    @Test
    void unsetOptionalFieldsKeepTheEngineDefaults() {
        PgOfflineRestoreStep step = new PgOfflineRestoreStep("db1", "id", "/backup/x", "/data", "/data");
        RestoreRequest request = RestoreSpec.of(step, UnaryOperator.identity()).toRequest("postgres", KEY, POLICY);
        RestoreRequest defaults = RestoreRequest.builder().target(request.connection().target()).credentials(KEY)
                .hostKeyPolicy(POLICY).backup("/backup/x").pgdata("/data").confirm("/data").build();

        assertEquals(defaults, request);
    }

    @Test
    void aConfirmationThatDoesNotRepeatPgdataExactlyIsRefusedFirst() {
        for (String wrong : new String[] {PGDATA + "/", "/var/lib/postgresql/16/mian", "/var/lib/postgresql/15/main"}) {
            PgOfflineRestoreStep step = new PgOfflineRestoreStep("db1", "id", "/backup/x", PGDATA, wrong);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> RestoreSpec.of(step, UnaryOperator.identity()));
            assertTrue(e.getMessage().startsWith("The confirmation \"" + wrong + "\" does not repeat PGDATA \"" + PGDATA
                    + "\" exactly"), e.getMessage());
            assertTrue(e.getMessage().contains("Nothing was done"), e.getMessage());
        }
        PgOfflineRestoreStep missing = new PgOfflineRestoreStep("db1", "id", "/backup/x", PGDATA, "  ");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RestoreSpec.of(missing, UnaryOperator.identity()));
        assertTrue(e.getMessage().startsWith("The confirmation is required: repeat PGDATA (" + PGDATA + ")"),
                e.getMessage());
    }

    @Test
    void theConfirmationIsRefusedEvenWhenEverythingElseIsWrongToo() {
        PgOfflineRestoreStep step = new PgOfflineRestoreStep("", "", "relative", PGDATA, "/other");
        step.setMaxDowntime("soon");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RestoreSpec.of(step, UnaryOperator.identity()));
        String message = e.getMessage();
        assertTrue(message.startsWith("The confirmation \"/other\""), message);
        assertTrue(message.contains("Host is required."), message);
        assertTrue(message.contains("\"soon\" is not a duration"), message);
        assertTrue(message.contains("absolute path of a backup directory"), message);
    }

    @Test
    void aFreestyleConfirmationThatIsThePgdataVariableItselfConfirmsNothing() {
        PgOfflineRestoreBuilder builder = new PgOfflineRestoreBuilder("db1", "id", "${BACKUP}", "${PGDATA}", "${PGDATA}");
        Map<String, String> env = Map.of("PGDATA", PGDATA, "BACKUP", "/backup/x", "CONFIRM", PGDATA);
        UnaryOperator<String> expand = text -> {
            String out = text;
            for (Map.Entry<String, String> e : env.entrySet()) {
                out = out.replace("${" + e.getKey() + "}", e.getValue());
            }
            return out;
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RestoreSpec.of(builder, expand));
        assertTrue(e.getMessage().contains("is the very variable PGDATA is taken from (${PGDATA})"), e.getMessage());

        // Typed by a person as a parameter of its own: expanded and compared.
        PgOfflineRestoreBuilder typed = new PgOfflineRestoreBuilder("db1", "id", "${BACKUP}", "${PGDATA}", "${CONFIRM}");
        RestoreSpec spec = RestoreSpec.of(typed, expand);
        assertEquals(PGDATA, spec.confirm());
        assertEquals("/backup/x", spec.backup());
    }

    @Test
    void theBackupIsAPathOrWithABackupJobAnId() {
        PgOfflineRestoreStep byId = new PgOfflineRestoreStep("db1", "id", "20261125T020003Z", PGDATA, PGDATA);
        byId.setBackupJob("databases/db1-nightly");
        RestoreSpec spec = RestoreSpec.of(byId, UnaryOperator.identity());
        assertTrue(spec.backupIsRecordedId());
        assertEquals("databases/db1-nightly", spec.backupJob());
        RestoreSpec resolved = spec.withBackupPath("/backup/db1/20261125T020003Z");
        assertFalse(resolved.backupIsRecordedId());
        assertEquals("/backup/db1/20261125T020003Z", resolved.backup());

        PgOfflineRestoreStep idWithoutJob = new PgOfflineRestoreStep("db1", "id", "20261125T020003Z", PGDATA, PGDATA);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RestoreSpec.of(idWithoutJob,
                UnaryOperator.identity())).getMessage().contains("or give the id of a recorded backup together with its"
                + " backup job"));

        PgOfflineRestoreStep badId = new PgOfflineRestoreStep("db1", "id", "../../etc", PGDATA, PGDATA);
        badId.setBackupJob("db1-nightly");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RestoreSpec.of(badId,
                UnaryOperator.identity())).getMessage().contains("like 20261125T020003Z, not \"../../etc\""));

        // A path stays a path, backup job or not.
        PgOfflineRestoreStep pathAndJob = new PgOfflineRestoreStep("db1", "id", "/backup/x", PGDATA, PGDATA);
        pathAndJob.setBackupJob("db1-nightly");
        assertFalse(RestoreSpec.of(pathAndJob, UnaryOperator.identity()).backupIsRecordedId());
    }

    @Test
    void aBackupInsidePgdataOrAroundItIsRefused() {
        for (String backup : new String[] {PGDATA + "/backup", "/var/lib/postgresql", PGDATA}) {
            PgOfflineRestoreStep step = new PgOfflineRestoreStep("db1", "id", backup, PGDATA, PGDATA);
            assertTrue(assertThrows(IllegalArgumentException.class, () -> RestoreSpec.of(step,
                    UnaryOperator.identity())).getMessage().contains("must not contain one another"), backup);
        }
        assertNull(RestoreSpec.backupProblem("/var/lib/postgresql/16/main-backups/x", null, PGDATA));
    }

    @Test
    void builderMapsExactlyLikeTheStep() {
        PgOfflineRestoreStep step = fullStep();
        step.setBackupJob("databases/db1-nightly");
        PgOfflineRestoreBuilder builder = new PgOfflineRestoreBuilder(step.getHost(), step.getCredentialsId(),
                step.getBackup(), step.getPgdata(), step.getConfirm());
        builder.setBackupJob(step.getBackupJob());
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

        assertEquals(RestoreSpec.of(step, UnaryOperator.identity()), RestoreSpec.of(builder, UnaryOperator.identity()));
    }

    @Test
    void abortGraceCoversStopStartAndReconnect() {
        RestoreSpec spec = RestoreSpec.of(fullStep(), UnaryOperator.identity());
        assertEquals(Duration.ofMinutes(2).plusSeconds(90).plusMinutes(2), spec.service().abortGrace());
    }
}
