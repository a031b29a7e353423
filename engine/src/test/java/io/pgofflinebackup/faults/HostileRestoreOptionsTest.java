package io.pgofflinebackup.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgofflinebackup.ErrorCode;
import io.pgofflinebackup.backup.BackupResult;
import io.pgofflinebackup.backup.RealHostSupport;
import io.pgofflinebackup.restore.RestoreJob;
import io.pgofflinebackup.restore.RestoreRequest;
import io.pgofflinebackup.restore.RestoreResult;
import io.pgofflinebackup.testing.PgCluster;
import io.pgofflinebackup.testing.ProcessRunner;
import io.pgofflinebackup.testing.TestUser;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every path option of a restore that reaches the host, given the names of {@link HostileOptionsTest}:
 * command substitution, backticks, ';', '&&', quotes, a line break, a leading dash, and non-ASCII. The
 * paths lie below a directory the SSH user cannot write (owned by root), so that a value taken
 * literally ends in a refusal before anything is touched rather than in a real restore; a canary file
 * written by any injected command must never appear.
 */
class HostileRestoreOptionsTest {
    private static RealHostSupport host;
    private static PgCluster cluster;
    private static BackupResult backup;
    private static Path canaries;
    private static Path fence;

    @BeforeAll
    static void start() {
        host = new RealHostSupport();
        cluster = host.cluster(PgCluster.Options.defaults().withPgbenchScale(0).withTablespaces("ts_one")
                .withSeparateWal(true));
        backup = RealHostSupport.backup(host.request(cluster, host.dest()).build());
        assertThat(backup.ok()).as(String.valueOf(backup.errorMessage())).isTrue();
        canaries = TestUser.newWorkDir("canaries");
        host.user.chownToUser(canaries);
        fence = TestUser.newWorkDir("fence");
        ProcessRunner.run(List.of("chown", "root:root", fence.toString()), Duration.ofSeconds(10)).orThrow();
    }

    @AfterAll
    static void stop() {
        host.close();
    }

    private static List<String> payloads() {
        String c = canaries.toString();
        return List.of("x$(touch " + c + "/a)`touch " + c + "/b`;touch " + c + "/c; && touch " + c + "/d",
                "x' ; touch " + c + "/e ; '\" ; touch " + c + "/f ; \"", "x\ntouch " + c + "/g",
                "-x --help -c touch" + c + "/h", "ünïcødé-€-😀-データ");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"--pgdata", "--backup", "--tablespace-map", "--wal-dir"})
    @FaultCase(id = "hostile.restore-option", area = "Hostile input", phase = "restore pre-flight",
            injected = "the restore option set to a path below a directory the SSH user cannot write, named each of:"
                    + " $(touch canary), `touch canary`, ;touch canary;, && touch canary, single and double quotes"
                    + " around ; touch canary, a line break then touch canary, a leading dash, non-ASCII (ü € 😀 データ)",
            mustHold = {"no canary file ever appears", "each value is refused before anything is touched (an"
                    + " UNTOUCHED error code, exit 2) with the value quoted as given, or refused as bad input",
                    "the postmaster keeps its pid (never stopped) and serves"})
    void optionIsTakenLiterallyOrRefused(String option) throws Exception {
        BiFunction<RestoreRequest.Builder, String, RestoreRequest.Builder> set = switch (option) {
            case "--pgdata" -> (b, v) -> b.pgdata(fence + "/" + v).confirm(fence + "/" + v);
            case "--backup" -> (b, v) -> b.backup(fence + "/" + v);
            case "--tablespace-map" -> (b, v) -> b.tablespaceMap("ts_one", fence + "/" + v);
            default -> (b, v) -> b.walDir(fence + "/" + v);
        };
        long pid = cluster.postmasterPid();
        int reachedTheHost = 0;
        for (String payload : payloads()) {
            RestoreRequest request;
            try {
                request = set.apply(host.restoreRequest(cluster, backup.backupPath()), payload).build();
            } catch (IllegalArgumentException refused) {
                continue;
            }
            RestoreResult result = new RestoreJob(request, new RealHostSupport.RecordingListener()).run();

            reachedTheHost += result.errorCode() == ErrorCode.BAD_INPUT ? 0 : 1;
            String as = option + "=" + payload + ": " + result.errorCode() + " " + result.errorMessage();
            assertThat(result.ok()).as(as).isFalse();
            assertThat(result.errorCode().outcome()).as(as).isEqualTo(ErrorCode.Outcome.UNTOUCHED);
            assertThat(result.errorCode()).as(as).isNotIn(ErrorCode.INTERNAL, ErrorCode.RUNNER_ERROR);
            assertThat(result.exitCode()).as(as).isEqualTo(2);
            if (result.errorCode() != ErrorCode.BAD_INPUT && !payload.contains("\n")) {
                assertThat(result.errorMessage()).as(as + ": the value is quoted as given").contains(payload);
            }
            assertThat(RealHostSupport.entries(canaries)).as("canaries after %s", as).isEmpty();
            assertThat(cluster.postmasterPid()).as(as).isEqualTo(pid);
        }
        assertThat(reachedTheHost).as("values that got past the client's own checks to the host").isPositive();
        assertThat(RealHostSupport.entries(host.user.home())).noneMatch(n -> n.matches("[a-h]"));
        assertThat(cluster.query("SELECT 1")).isEqualTo("1");
    }
}
