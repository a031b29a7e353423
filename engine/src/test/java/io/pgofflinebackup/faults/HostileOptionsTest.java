package io.pgofflinebackup.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgofflinebackup.ErrorCode;
import io.pgofflinebackup.JobFailure;
import io.pgofflinebackup.backup.BackupJob;
import io.pgofflinebackup.backup.BackupPlan;
import io.pgofflinebackup.backup.BackupRequest;
import io.pgofflinebackup.backup.RealHostSupport;
import io.pgofflinebackup.backup.Problem;
import io.pgofflinebackup.testing.PgCluster;
import io.pgofflinebackup.testing.TestUser;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every option of a backup that reaches the host, given names built to break out of a shell: command
 * substitution, backticks, ';', '&&', quotes, a line break, a leading dash, and non-ASCII. Each is
 * checked with `plan` (which sends all of them to the host's inspection); a canary file written by any
 * of the injected commands must never appear, and the outcome is either literal handling (the name
 * shows up as given, e.g. "does not exist") or a clear refusal.
 */
class HostileOptionsTest {
    /** Outcomes that count as a clear refusal; anything else (INTERNAL, RUNNER_ERROR...) is a failure. */
    private static final Set<ErrorCode> CLEAR = EnumSet.of(ErrorCode.BAD_INPUT, ErrorCode.PGDATA_NOT_FOUND,
            ErrorCode.NOT_A_CLUSTER, ErrorCode.DEST_NOT_USABLE, ErrorCode.MISSING_BINARIES,
            ErrorCode.SESSIONS_UNKNOWN, ErrorCode.DEST_INSIDE_PGDATA);
    private static RealHostSupport host;
    private static PgCluster cluster;
    private static Path canaries;

    @BeforeAll
    static void start() {
        host = new RealHostSupport();
        cluster = host.cluster(PgCluster.Options.defaults().withPgbenchScale(0));
        canaries = TestUser.newWorkDir("canaries");
        host.user.chownToUser(canaries);
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
    @ValueSource(strings = {"--pgdata", "--dest", "--pg-bin", "--db-user", "--db-name"})
    @FaultCase(id = "hostile.option", area = "Hostile input", phase = "inspect (plan)",
            injected = "the option set to each of: $(touch canary), `touch canary`, ;touch canary;, && touch canary,"
                    + " single and double quotes around ; touch canary, a line break then touch canary, a leading"
                    + " dash, non-ASCII (ü € 😀 データ)",
            mustHold = {"no canary file ever appears", "each value is refused with a clear error code or taken"
                    + " literally (the message quotes it as given)", "the postmaster keeps its pid"})
    void optionIsTakenLiterallyOrRefused(String option) throws Exception {
        BiFunction<BackupRequest.Builder, String, BackupRequest.Builder> set = switch (option) {
            case "--pgdata" -> (b, v) -> b.pgdata("/tmp/" + v);
            case "--dest" -> (b, v) -> b.dest("/tmp/" + v);
            case "--pg-bin" -> (b, v) -> b.pgBin("/tmp/" + v);
            case "--db-user" -> (b, v) -> b.dbUser(v);
            default -> (b, v) -> b.dbName(v);
        };
        long pid = cluster.postmasterPid();
        for (String payload : payloads()) {
            BackupRequest request;
            try {
                request = set.apply(host.request(cluster, host.dest()), payload).build();
            } catch (IllegalArgumentException refused) {
                continue;
            }
            String outcome;
            try {
                BackupPlan plan = new BackupJob(request, new RealHostSupport.RecordingListener()).plan();
                for (Problem problem : plan.problems()) {
                    assertThat(CLEAR).as("%s=%s: %s", option, payload, problem.message()).contains(problem.code());
                }
                outcome = plan.ok() ? "ok" : plan.problems().get(0).message();
                if (!plan.ok() && !payload.contains("\n") && !option.equals("--db-user") && !option.equals("--db-name")) {
                    assertThat(outcome).as("the value is quoted as given").contains(payload);
                }
            } catch (JobFailure failure) {
                assertThat(CLEAR).as("%s=%s: %s", option, payload, failure.getMessage()).contains(failure.code());
                outcome = failure.getMessage();
            }
            assertThat(outcome).isNotBlank();
            assertThat(RealHostSupport.entries(canaries)).as("canaries after %s=%s", option, payload).isEmpty();
        }
        assertThat(RealHostSupport.entries(host.user.home())).noneMatch(n -> n.matches("[a-h]"));
        assertThat(cluster.postmasterPid()).isEqualTo(pid);
    }
}
