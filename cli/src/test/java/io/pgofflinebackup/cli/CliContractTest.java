package io.pgofflinebackup.cli;

import static io.pgofflinebackup.cli.TestArgs.cluster;
import static io.pgofflinebackup.cli.TestArgs.keyAuth;
import static io.pgofflinebackup.cli.TestArgs.line;
import static io.pgofflinebackup.cli.TestArgs.names;
import static io.pgofflinebackup.cli.TestArgs.target;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgofflinebackup.testing.PgCluster;
import io.pgofflinebackup.testing.ProcessRunner;
import io.pgofflinebackup.testing.SshServer;
import io.pgofflinebackup.testing.TestUser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CLI contract of issue 2 against a real sshd and a real cluster: the JSON result and exit code
 * of a backup and a plan, the human summary, and bad input refused with exit 2 before anything is
 * touched. Runs the CLI in this JVM through {@link Main#execute}, except where an environment
 * variable has to be set for it.
 */
class CliContractTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static TestUser user;
    private static SshServer sshd;
    private static PgCluster pg;
    /** Destinations with their backups, deleted at the end (a backup of the test cluster is about 70 MB). */
    private static final List<Path> DESTINATIONS = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startServers() {
        user = TestUser.get();
        sshd = SshServer.start(user);
        try {
            pg = PgCluster.create(user);
        } catch (RuntimeException e) {
            sshd.close();
            throw e;
        }
    }

    @AfterAll
    static void stopServers() {
        try {
            if (pg != null) {
                pg.close();
                TestArgs.deleteTree(pg.directory());
            }
            DESTINATIONS.forEach(TestArgs::deleteTree);
        } finally {
            if (sshd != null) {
                sshd.close();
            }
        }
    }

    private static Path newDest() {
        Path dest = TestUser.newWorkDir("dest");
        DESTINATIONS.add(dest);
        return dest;
    }

    @Test
    void backupWithJsonReportsTheBackupItMade() throws IOException {
        Path dest = newDest();
        long postmasterBefore = pg.postmasterPid();

        CliRun run = CliRun.inProcess(line("backup", target(sshd), keyAuth(sshd), cluster(pg, dest), List.of("--json")));

        assertThat(run.exitCode()).as("%s", run).isZero();
        JsonNode json = run.json();
        assertContractKeys(json, run);
        assertThat(json.path("status").asText()).as("%s", run).isEqualTo("ok");
        String id = json.path("backupId").asText();
        assertThat(id).as("backupId").isNotBlank();
        Path backup = Path.of(json.path("backupPath").asText());
        assertThat(backup).as("backupPath").isDirectory();
        assertThat(backup.toRealPath()).isEqualTo(dest.resolve(id).toRealPath());
        assertThat(backup.resolve("data")).isDirectory();
        assertThat(backup.resolve("data").resolve("PG_VERSION")).isRegularFile();
        assertThat(backup.resolve("manifest.json")).isRegularFile();
        assertThat(backup.resolve("backup.log")).isRegularFile();
        Path manifestPath = Path.of(json.path("manifestPath").asText());
        assertThat(manifestPath).isRegularFile();
        assertThat(manifestPath.toRealPath()).isEqualTo(backup.resolve("manifest.json").toRealPath());
        assertThat(json.path("files").asLong()).as("files").isPositive();
        assertThat(json.path("bytes").asLong()).as("bytes").isPositive();
        assertThat(json.path("downtimeMillis").asLong()).as("downtimeMillis").isPositive();
        assertThat(json.path("databaseRunning").isBoolean()).as("databaseRunning is a boolean").isTrue();
        assertThat(json.path("databaseRunning").asBoolean()).as("databaseRunning").isTrue();

        // The manifest agrees with the result, and only the backup is left in the destination.
        JsonNode manifest = MAPPER.readTree(manifestPath.toFile());
        assertThat(manifest.path("backupId").asText()).isEqualTo(id);
        assertThat(manifest.path("totals").path("files").asLong()).isEqualTo(json.path("files").asLong());
        assertThat(manifest.path("totals").path("bytes").asLong()).isEqualTo(json.path("bytes").asLong());
        assertThat(names(dest)).as("the destination after a backup").containsExactly(id);

        // PostgreSQL was really stopped and started again, and serves its data.
        assertThat(pg.postmasterPid()).as("postmaster pid after the backup").isNotEqualTo(postmasterBefore);
        assertThat(pg.isRunning()).isTrue();
        assertThat(pg.query("SELECT count(*) FROM pgbench_accounts")).isEqualTo("100000");
    }

    @Test
    void backupWithoutJsonPrintsASummaryNamingTheBackup() {
        Path dest = newDest();

        CliRun run = CliRun.inProcess(line("backup", target(sshd), keyAuth(sshd), cluster(pg, dest)));

        assertThat(run.exitCode()).as("%s", run).isZero();
        assertThat(run.stdout()).as("%s", run).doesNotStartWith("{");
        List<String> backups = names(dest);
        assertThat(backups).as("the destination after a backup").hasSize(1);
        Path backup = dest.resolve(backups.get(0));
        assertThat(backup.resolve("manifest.json")).isRegularFile();
        Optional<String> pathLine = run.stdout().lines().filter(l -> l.strip().startsWith("backup:")).findFirst();
        assertThat(pathLine).as("a 'backup:' line in %s", run).isPresent();
        Path named = Path.of(pathLine.get().strip().substring("backup:".length()).strip());
        assertThat(named).isDirectory();
        assertThat(sameFile(named, backup)).as("%s names %s", named, backup).isTrue();
        assertThat(pg.isRunning()).isTrue();
    }

    @Test
    void planWithJsonStopsNothing() {
        Path dest = newDest();
        long postmaster = pg.postmasterPid();
        assertThat(pg.isRunning()).isTrue();

        CliRun run = CliRun.inProcess(line("plan", target(sshd), keyAuth(sshd), cluster(pg, dest), List.of("--json")));

        assertThat(run.exitCode()).as("%s", run).isZero();
        JsonNode json = run.json();
        assertThat(json.path("status").asText()).as("%s", run).isEqualTo("ok");
        assertThat(json.path("running").asBoolean()).isTrue();
        assertThat(json.path("postmasterPid").asLong()).isEqualTo(postmaster);
        assertThat(json.path("files").asLong()).isPositive();
        assertThat(json.path("bytes").asLong()).isPositive();
        assertThat(json.path("problems").size()).isZero();
        assertUntouched(postmaster, dest);
    }

    @Test
    void relativePgdataIsRefused() {
        Path dest = newDest();
        List<String> args = line("backup", target(sshd), keyAuth(sshd),
                List.of("--pgdata", "relative/data", "--dest", dest.toString(), "--json"));
        JsonNode error = assertRefused(args, dest, "BAD_INPUT").json().path("error");
        assertThat(error.path("message").asText()).contains("--pgdata", "absolute");
    }

    @Test
    void aDestHostThatIsNotAHostOrGoesWithPrecopyIsRefused() {
        Path dest = newDest();
        List<String> args = line("backup", target(sshd), keyAuth(sshd), cluster(pg, dest),
                List.of("--dest-host", "-oProxyCommand=touch /tmp/x", "--json"));
        JsonNode error = assertRefused(args, dest, "BAD_INPUT").json().path("error");
        assertThat(error.path("message").asText()).contains("--dest-host", "[USER@]HOST[:PORT]");

        args = line("backup", target(sshd), keyAuth(sshd), cluster(pg, dest),
                List.of("--dest-host", "backup@127.0.0.2:2222", "--precopy", "--json"));
        error = assertRefused(args, dest, "BAD_INPUT").json().path("error");
        assertThat(error.path("message").asText()).contains("--precopy", "--dest-host");
    }

    @Test
    void attachTakesPgdataWithSudoAndOnlyThen() {
        Path dest = newDest();
        List<String> where = List.of("--dest", dest.toString(), "--id", "20991231T235959Z", "--json");
        List<String> noPgdata = line("attach", target(sshd), keyAuth(sshd), where, List.of("--sudo"));
        assertThat(assertRefused(noPgdata, dest, "BAD_INPUT").json().path("error").path("message").asText())
                .isEqualTo("attach --sudo needs --pgdata: the data directory the run backs up, whose owner the run"
                        + " acted as");
        List<String> noSudo = line("attach", target(sshd), keyAuth(sshd), where,
                List.of("--pgdata", pg.pgdata().toString()));
        assertThat(assertRefused(noSudo, dest, "BAD_INPUT").json().path("error").path("message").asText())
                .contains("attach --pgdata is only used with --sudo");
        List<String> relative = line("attach", target(sshd), keyAuth(sshd), where,
                List.of("--sudo", "--pgdata", "relative/data"));
        assertThat(assertRefused(relative, dest, "BAD_INPUT").json().path("error").path("message").asText())
                .contains("--pgdata must be an absolute path");
    }

    @Test
    void attachFindsABackupRunByDestAndARestoreRunByPgdata() {
        Path dest = newDest();
        List<String> id = List.of("--id", "20991231T235959Z", "--json");
        List<String> neither = line("attach", target(sshd), keyAuth(sshd), id);
        assertThat(assertRefused(neither, dest, "BAD_INPUT").json().path("error").path("message").asText())
                .isEqualTo("attach needs --dest: the destination of the backup run (or --restore and --pgdata for a"
                        + " restore run)");
        List<String> restoreWithDest = line("attach", target(sshd), keyAuth(sshd), id, List.of("--restore", "--pgdata",
                pg.pgdata().toString(), "--dest", dest.toString()));
        assertThat(assertRefused(restoreWithDest, dest, "BAD_INPUT").json().path("error").path("message").asText())
                .isEqualTo("attach --restore finds the run beside the data directory it restores: give --pgdata, not"
                        + " --dest");
        List<String> restoreWithoutPgdata = line("attach", target(sshd), keyAuth(sshd), id, List.of("--restore"));
        assertThat(assertRefused(restoreWithoutPgdata, dest, "BAD_INPUT").json().path("error").path("message")
                .asText()).isEqualTo("attach --restore needs --pgdata: the data directory the run restores");
        List<String> relative = line("attach", target(sshd), keyAuth(sshd), id, List.of("--restore", "--pgdata",
                "relative/data"));
        assertThat(assertRefused(relative, dest, "BAD_INPUT").json().path("error").path("message").asText())
                .contains("--pgdata must be an absolute path");
        // Well-formed, but there is no such run: said so by the host's answer, and nothing is touched.
        List<String> none = line("attach", target(sshd), keyAuth(sshd), id, List.of("--restore", "--pgdata",
                pg.pgdata().toString()));
        CliRun run = CliRun.inProcess(none);
        assertThat(run.exitCode()).as("%s", run).isEqualTo(2);
        assertThat(run.json().path("error").path("message").asText())
                .startsWith("there is no restore run 20991231T235959Z of " + pg.pgdata());
        assertThat(pg.isRunning()).isTrue();
    }

    @Test
    void pullToWithKeepOrWithDestIsRefused() {
        Path local = newDest();
        List<String> keep = line("backup", target(sshd), keyAuth(sshd), List.of("--pgdata", pg.pgdata().toString(),
                "--pull-to", local.toString(), "--keep", "3", "--json"));
        assertThat(assertRefused(keep, local, "BAD_INPUT").json().path("error").path("message").asText())
                .contains("--keep is not supported with --pull-to");
        List<String> both = line("backup", target(sshd), keyAuth(sshd), cluster(pg, local),
                List.of("--pull-to", local.toString(), "--json"));
        assertThat(assertRefused(both, local, "BAD_INPUT").json().path("error").path("message").asText())
                .contains("--dest and --pull-to exclude each other");
        List<String> precopy = line("backup", target(sshd), keyAuth(sshd), List.of("--pgdata", pg.pgdata().toString(),
                "--pull-to", local.toString(), "--precopy", "--json"));
        assertThat(assertRefused(precopy, local, "BAD_INPUT").json().path("error").path("message").asText())
                .contains("--precopy is not supported with --pull-to");
    }

    @Test
    void missingCredentialsAreRefused() {
        Path dest = newDest();
        List<String> args = line("backup", target(sshd),
                List.of("--known-hosts", sshd.knownHostsFile().toString()), cluster(pg, dest), List.of("--json"));
        JsonNode error = assertRefused(args, dest, "BAD_INPUT").json().path("error");
        assertThat(error.path("message").asText()).contains("--identity");
    }

    @Test
    void immediateStopModeIsRefused() {
        Path dest = newDest();
        List<String> args = line("backup", target(sshd), keyAuth(sshd), cluster(pg, dest),
                List.of("--stop-mode", "immediate", "--json"));
        JsonNode error = assertRefused(args, dest, "BAD_INPUT").json().path("error");
        assertThat(error.path("message").asText()).contains("immediate");
    }

    @Test
    void anUnknownServiceManagerIsRefused() {
        Path dest = newDest();
        List<String> args = line("backup", target(sshd), keyAuth(sshd), cluster(pg, dest),
                List.of("--service", "upstart", "--json"));
        JsonNode error = assertRefused(args, dest, "BAD_INPUT").json().path("error");
        assertThat(error.path("message").asText()).contains("--service", "auto, pg_ctl, pg_ctlcluster, systemd, custom",
                "upstart");
    }

    @Test
    void serviceCustomWithoutCommandsIsRefused() {
        Path dest = newDest();
        List<String> args = line("backup", target(sshd), keyAuth(sshd), cluster(pg, dest),
                List.of("--service", "custom", "--json"));
        JsonNode error = assertRefused(args, dest, "BAD_INPUT").json().path("error");
        assertThat(error.path("message").asText()).contains("--service custom needs --stop-command and --start-command");
    }

    @Test
    void stopAndStartCommandsWithAnotherServiceManagerAreRefused() {
        Path dest = newDest();
        List<String> args = line("backup", target(sshd), keyAuth(sshd), cluster(pg, dest),
                List.of("--service", "systemd", "--stop-command", "true", "--start-command", "true", "--json"));
        JsonNode error = assertRefused(args, dest, "BAD_INPUT").json().path("error");
        assertThat(error.path("message").asText()).contains("cannot go with --service systemd");
    }

    @Test
    void aServiceManagerThatIsNotThereIsRefusedBeforeDowntime() {
        Path dest = newDest();
        List<String> args = line("backup", target(sshd), keyAuth(sshd), cluster(pg, dest),
                List.of("--service", "pg_ctlcluster", "--json"));
        JsonNode error = assertRefused(args, dest, "SERVICE_NOT_FOUND").json().path("error");
        assertThat(error.path("message").asText()).contains("--service pg_ctlcluster", "no cluster whose data directory");
    }

    @Test
    void planSaysWhichServiceManagerItChoseAndWhy() {
        Path dest = newDest();
        CliRun run = CliRun.inProcess(line("plan", target(sshd), keyAuth(sshd), cluster(pg, dest), List.of("--json")));
        assertThat(run.exitCode()).as("%s", run).isZero();
        JsonNode service = run.json().path("service");
        assertThat(service.path("manager").asText()).isEqualTo("pg_ctl");
        assertThat(service.path("description").asText()).startsWith("pg_ctl (");
        assertThat(run.json().path("linkedAreas").isArray()).isTrue();
        assertThat(run.json().path("configFiles").isArray()).isTrue();
    }

    @Test
    void passwordOnTheCommandLineIsRefused() {
        Path dest = newDest();
        // There is no such option, on purpose: the password would be visible in the process list.
        List<String> args = line("backup", target(sshd),
                List.of("--password", "not-a-real-password", "--known-hosts", sshd.knownHostsFile().toString()),
                cluster(pg, dest), List.of("--json"));
        CliRun run = assertRefused(args, dest, "BAD_INPUT");
        assertThat(run.json().path("error").path("message").asText()).contains("--password");
        assertThat(run.stdout() + run.stderr()).as("the secret is not repeated").doesNotContain("not-a-real-password");
    }

    @Test
    void nonExistentPgdataIsRefused() {
        Path dest = newDest();
        List<String> args = line("backup", target(sshd), keyAuth(sshd),
                List.of("--pgdata", pg.directory().resolve("no-such-data").toString(), "--dest", dest.toString(),
                        "--json"));
        JsonNode error = assertRefused(args, dest, "PGDATA_NOT_FOUND").json().path("error");
        assertThat(error.path("message").asText()).contains("no-such-data");
    }

    @Test
    void hostKeyMismatchIsRefused() throws IOException {
        Path dest = newDest();
        Path dir = TestUser.newWorkDir("otherkey");
        Path otherKey = dir.resolve("other_host_key");
        ProcessRunner.run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", otherKey.toString()),
                Duration.ofSeconds(30)).orThrow();
        String[] fields = Files.readString(otherKey.resolveSibling("other_host_key.pub")).trim().split(" ");
        Path knownHosts = dir.resolve("known_hosts");
        Files.writeString(knownHosts, "[" + sshd.host() + "]:" + sshd.port() + " " + fields[0] + " " + fields[1] + "\n",
                StandardCharsets.UTF_8);

        List<String> args = line("backup", target(sshd),
                List.of("--identity", sshd.clientKey().toString(), "--known-hosts", knownHosts.toString()),
                cluster(pg, dest), List.of("--json"));
        JsonNode error = assertRefused(args, dest, "HOST_KEY_MISMATCH").json().path("error");
        assertThat(error.path("message").asText()).contains("MISMATCH", sshd.hostKeyFingerprint());
    }

    // Authentication is the same code for plan and backup (BackupJob.connect); plan proves it in a
    // second where a backup takes several, most of them in the runner's sync.

    @Test
    void passwordFromAFile() {
        assumeTrue(user.testsRunAsRoot(), "password login needs root");
        Path dest = newDest();
        CliRun run = CliRun.inProcess(line("plan", target(sshd),
                List.of("--password-file", sshd.passwordFile().toString(),
                        "--known-hosts", sshd.knownHostsFile().toString()),
                cluster(pg, dest), List.of("--json")));
        assertConnected(run);
        assertThat(run.stdout() + run.stderr()).doesNotContain(sshd.password());
    }

    @Test
    void passwordFromTheEnvironment() {
        assumeTrue(user.testsRunAsRoot(), "password login needs root");
        Path dest = newDest();
        List<String> args = line("plan", target(sshd),
                List.of("--password-env", "PGOB_TEST_SSH_PASSWORD", "--known-hosts", sshd.knownHostsFile().toString()),
                cluster(pg, dest), List.of("--json"));
        // Only a JVM of its own can be given an environment variable.
        CliRun run = CliRun.spawn(CliRun.classPathCommand(args), Map.of("PGOB_TEST_SSH_PASSWORD", sshd.password()),
                args);
        assertConnected(run);
        assertThat(run.stdout() + run.stderr()).doesNotContain(sshd.password());
    }

    @Test
    void wrongPasswordIsRefused() throws IOException {
        assumeTrue(user.testsRunAsRoot(), "password login needs root");
        Path dest = newDest();
        Path wrong = TestUser.newWorkDir("secret").resolve("wrong-password");
        Files.writeString(wrong, sshd.password() + "-not\n", StandardCharsets.UTF_8);
        List<String> args = line("backup", target(sshd),
                List.of("--password-file", wrong.toString(), "--known-hosts", sshd.knownHostsFile().toString()),
                cluster(pg, dest), List.of("--json"));
        assertRefused(args, dest, "AUTHENTICATION_FAILED");
    }

    @Test
    void keyWithAPassphraseFromAFile() {
        Path dest = newDest();
        CliRun run = CliRun.inProcess(line("plan", target(sshd),
                List.of("--identity", sshd.clientKeyWithPassphrase().toString(),
                        "--passphrase-file", sshd.passphraseFile().toString(),
                        "--known-hosts", sshd.knownHostsFile().toString()),
                cluster(pg, dest), List.of("--json")));
        assertConnected(run);
        assertThat(run.stdout() + run.stderr()).doesNotContain(sshd.passphrase());
    }

    /** Exit 2, a failed JSON result with an error of the given code, PostgreSQL and the destination untouched. */
    private static CliRun assertRefused(List<String> args, Path dest, String code) {
        long postmaster = pg.postmasterPid();
        assertThat(pg.isRunning()).isTrue();

        CliRun run = CliRun.inProcess(args);

        assertThat(run.exitCode()).as("%s", run).isEqualTo(2);
        JsonNode json = run.json();
        assertContractKeys(json, run);
        assertThat(json.path("status").asText()).as("%s", run).isEqualTo("failed");
        JsonNode error = json.path("error");
        assertThat(error.path("code").asText()).as("%s", run).isEqualTo(code);
        assertThat(error.path("message").asText()).as("%s", run).isNotBlank();
        assertUntouched(postmaster, dest);
        return run;
    }

    /** The keys every backup result has, success or failure (null or 0 where there is no value). */
    private static void assertContractKeys(JsonNode json, CliRun run) {
        for (String key : List.of("status", "backupId", "backupPath", "manifestPath", "files", "bytes",
                "downtimeMillis", "databaseRunning")) {
            assertThat(json.has(key)).as("key %s in %s", key, run).isTrue();
        }
        if (json.path("status").asText().equals("failed")) {
            assertThat(json.path("error").has("code")).as("error.code in %s", run).isTrue();
            assertThat(json.path("error").has("message")).as("error.message in %s", run).isTrue();
        }
    }

    private static void assertUntouched(long postmaster, Path dest) {
        assertThat(pg.postmasterPid()).as("postmaster pid").isEqualTo(postmaster);
        assertThat(pg.isRunning()).as("PostgreSQL still running").isTrue();
        assertThat(pg.controlState()).isEqualTo("in production");
        assertThat(names(dest)).as("the destination").isEmpty();
    }

    /** A plan that logged in and inspected the cluster as the test user. */
    private static void assertConnected(CliRun run) {
        assertThat(run.exitCode()).as("%s", run).isZero();
        JsonNode json = run.json();
        assertThat(json.path("status").asText()).as("%s", run).isEqualTo("ok");
        assertThat(json.path("sshUser").asText()).isEqualTo(user.name());
        assertThat(json.path("postmasterPid").asLong()).isEqualTo(pg.postmasterPid());
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }
}
