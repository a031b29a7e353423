package io.pgofflinebackup.cli;

import static io.pgofflinebackup.cli.TestArgs.cluster;
import static io.pgofflinebackup.cli.TestArgs.keyAuth;
import static io.pgofflinebackup.cli.TestArgs.line;
import static io.pgofflinebackup.cli.TestArgs.target;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgofflinebackup.testing.PgCluster;
import io.pgofflinebackup.testing.SshServer;
import io.pgofflinebackup.testing.TestUser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The CLI contract of issue 3: verify and restore, their JSON and exit codes. */
class CliRestoreTest {
    private static TestUser user;
    private static SshServer sshd;
    private static PgCluster pg;
    private static Path dest;
    private static String backupPath;

    @BeforeAll
    static void backupOnce() {
        user = TestUser.get();
        sshd = SshServer.start(user);
        pg = PgCluster.create(user, PgCluster.Options.defaults().withPgbenchScale(0));
        pg.query("CREATE TABLE kept AS SELECT 'at backup' AS v");
        dest = TestUser.newWorkDir("dest");
        CliRun backup = CliRun.inProcess(line("backup", target(sshd), keyAuth(sshd), cluster(pg, dest),
                List.of("--json")));
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
        backupPath = backup.json().path("backupPath").asText();
    }

    @AfterAll
    static void stop() {
        try {
            pg.close();
            TestArgs.deleteTree(pg.directory());
            TestArgs.deleteTree(dest);
        } finally {
            sshd.close();
        }
    }

    private static CliRun verify(String backup, String... more) {
        return CliRun.inProcess(line("verify", target(sshd), keyAuth(sshd),
                List.of("--backup", backup, "--pg-bin", pg.binDir().toString()), List.of(more)));
    }

    @Test
    void verifyReportsAValidBackup() {
        CliRun run = verify(backupPath, "--json");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        JsonNode json = run.json();
        assertThat(json.path("status").asText()).isEqualTo("ok");
        assertThat(json.path("files").asLong()).isPositive();
        assertThat(json.path("bytes").asLong()).isPositive();
        assertThat(json.path("problems").size()).isZero();
        assertThat(json.path("pgVerifybackup").asText()).isEqualTo("passed");
    }

    @Test
    void verifyNamesEachProblemAndExitsOne() throws Exception {
        Path copy = TestUser.newWorkDir("tampered").resolve("backup");
        user.runAs(List.of("cp", "-a", backupPath, copy.toString()), java.time.Duration.ofMinutes(1)).orThrow();
        Files.delete(copy.resolve("data/PG_VERSION"));
        CliRun run = verify(copy.toString(), "--json");
        assertThat(run.exitCode()).isEqualTo(1);
        JsonNode json = run.json();
        assertThat(json.path("status").asText()).isEqualTo("failed");
        assertThat(json.path("problems").findValuesAsText("kind")).contains("missing");
        assertThat(json.path("problems").findValuesAsText("path")).contains("PG_VERSION");
        TestArgs.deleteTree(copy.getParent());
    }

    @Test
    void verifyCallsAPartialDirectoryIncomplete() throws Exception {
        Path partial = TestUser.newWorkDir("partial").resolve(".20260101T000000Z.partial");
        Files.createDirectories(partial.resolve("data"));
        user.chownToUser(partial.getParent());
        CliRun run = verify(partial.toString(), "--json");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.json().path("status").asText()).isEqualTo("incomplete");
    }

    @Test
    void restoreWithTheWrongConfirmationExitsTwoBeforeConnecting() {
        long pid = pg.postmasterPid();
        CliRun run = CliRun.inProcess(line("restore", target(sshd), keyAuth(sshd), List.of("--backup", backupPath,
                "--pgdata", pg.pgdata().toString(), "--confirm", "yes", "--json")));
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.json().path("status").asText()).isEqualTo("failed");
        assertThat(run.json().path("error").path("code").asText()).isEqualTo("CONFIRMATION_MISMATCH");
        assertThat(pg.postmasterPid()).isEqualTo(pid);
    }

    @Test
    void aTablespaceMapIsPassedOnAndOneThatNamesNoTablespaceIsRefusedUntouched() {
        long pid = pg.postmasterPid();
        List<String> restore = List.of("--backup", backupPath, "--pgdata", pg.pgdata().toString(), "--confirm",
                pg.pgdata().toString(), "--json");

        CliRun malformed = CliRun.inProcess(line("restore", target(sshd), keyAuth(sshd), restore,
                List.of("--tablespace-map", "no-equals-sign")));
        CliRun unknown = CliRun.inProcess(line("restore", target(sshd), keyAuth(sshd), restore,
                List.of("--tablespace-map", "99999=/tmp/pgob-nowhere", "--keep-config")));

        assertThat(malformed.exitCode()).isEqualTo(2);
        assertThat(malformed.json().path("error").path("message").asText()).contains("OID_OR_NAME=PATH");
        assertThat(unknown.exitCode()).as(unknown.toString()).isEqualTo(2);
        assertThat(unknown.json().path("error").path("code").asText()).isEqualTo("BAD_INPUT");
        assertThat(unknown.json().path("error").path("message").asText()).contains("99999", "no tablespace");
        assertThat(pg.postmasterPid()).isEqualTo(pid);
    }

    @Test
    void restoreReportsWhereTheOriginalWentAndThatPostgresqlRuns() {
        pg.query("UPDATE kept SET v = 'changed'");
        CliRun run = CliRun.inProcess(line("restore", target(sshd), keyAuth(sshd), List.of("--backup", backupPath,
                "--pgdata", pg.pgdata().toString(), "--confirm", pg.pgdata().toString(), "--server-log",
                pg.directory().resolve("restored-server.log").toString(), "--json")));
        assertThat(run.exitCode()).as(run.toString()).isZero();
        JsonNode json = run.json();
        assertThat(json.path("status").asText()).isEqualTo("ok");
        assertThat(json.path("restoredFrom").asText()).isEqualTo(backupPath);
        assertThat(json.path("pgdata").asText()).isEqualTo(pg.pgdata().toString());
        assertThat(json.path("rolledBack").asBoolean()).isFalse();
        assertThat(json.path("databaseRunning").asBoolean()).isTrue();
        assertThat(json.path("downtimeMillis").asLong()).isPositive();
        assertThat(Path.of(json.path("movedAsideTo").asText()).resolve("PG_VERSION")).exists();
        assertThat(pg.query("SELECT v FROM kept")).isEqualTo("at backup");
    }
}
