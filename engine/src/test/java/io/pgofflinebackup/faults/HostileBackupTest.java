package io.pgofflinebackup.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgofflinebackup.ErrorCode;
import io.pgofflinebackup.backup.BackupResult;
import io.pgofflinebackup.backup.RealHostSupport;
import io.pgofflinebackup.restore.ManifestEditor;
import io.pgofflinebackup.restore.RestoreResult;
import io.pgofflinebackup.testing.PgCluster;
import io.pgofflinebackup.verify.VerifyProblem;
import io.pgofflinebackup.verify.VerifyReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A backup directory tampered with by someone who could write it: the manifest edited (and sealed
 * again, as its checksum is no signature) to point outside the backup, or a file or a whole area
 * replaced by a link to somewhere else. Verify names the problem and restore refuses before touching
 * the live cluster.
 */
class HostileBackupTest {
    private static final String AREA = "Hostile input";
    private static RealHostSupport host;
    private static PgCluster cluster;
    private static Path pristine;
    private Path backup;

    @BeforeAll
    static void start() {
        host = new RealHostSupport();
        cluster = host.cluster(PgCluster.Options.defaults().withPgbenchScale(0));
        BackupResult result = RealHostSupport.backup(host.request(cluster, host.dest()).build());
        assertThat(result.ok()).as(String.valueOf(result.errorMessage())).isTrue();
        pristine = Path.of(result.backupPath());
    }

    @AfterAll
    static void stop() {
        host.close();
    }

    @BeforeEach
    void copyBackup() {
        backup = host.dest().resolve(pristine.getFileName());
        host.user.runAs(List.of("cp", "-a", pristine.toString(), backup.toString()), Duration.ofMinutes(1)).orThrow();
    }

    private void assertRefused(String kind, String path) throws Exception {
        VerifyReport report = host.verify(cluster, backup);
        assertThat(report.valid()).isFalse();
        assertThat(report.problems()).extracting(VerifyProblem::kind, VerifyProblem::path)
                .contains(org.assertj.core.groups.Tuple.tuple(kind, path));
        long pid = cluster.postmasterPid();
        RestoreResult result = RealHostSupport.restore(host.restoreRequest(cluster, backup.toString()).build());
        assertThat(result.errorCode()).as(result.errorMessage()).isEqualTo(ErrorCode.BACKUP_INVALID);
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(cluster.postmasterPid()).as("the live cluster was not touched").isEqualTo(pid);
        assertThat(RealHostSupport.entries(cluster.directory())).noneMatch(n -> n.contains("restore"));
    }

    @Test
    @FaultCase(id = "hostile.manifest-dotdot", area = AREA, phase = "verify, restore pre-flight",
            injected = "manifest.json edited and sealed again: an entry's path becomes ../../etc/passwd",
            mustHold = {"verify reports it unsafe", "restore refuses: BACKUP_INVALID, exit 2",
                    "the live cluster keeps its pid; nothing moved aside"})
    void manifestPathWithDotDot() throws Exception {
        ManifestEditor.edit(backup, "{\"path\": \"PG_VERSION\",", "{\"path\": \"../../etc/passwd\",");
        assertRefused("unsafe", "data/../../etc/passwd");
    }

    @Test
    @FaultCase(id = "hostile.manifest-absolute", area = AREA, phase = "verify, restore pre-flight",
            injected = "manifest.json edited and sealed again: an entry's path becomes /etc/passwd",
            mustHold = {"verify reports it unsafe", "restore refuses: BACKUP_INVALID, exit 2",
                    "the live cluster keeps its pid; nothing moved aside"})
    void manifestAbsolutePath() throws Exception {
        ManifestEditor.edit(backup, "{\"path\": \"PG_VERSION\",", "{\"path\": \"/etc/passwd\",");
        assertRefused("unsafe", "data//etc/passwd");
    }

    @Test
    @FaultCase(id = "hostile.manifest-config-escape", area = AREA, phase = "verify, restore pre-flight",
            injected = "manifest.json edited and sealed again: a configuration file recorded at"
                    + " /etc/postgresql/../../tmp/x, which a restore would write",
            mustHold = {"verify reports it unsafe", "restore refuses: BACKUP_INVALID, exit 2",
                    "the live cluster keeps its pid; nothing moved aside"})
    void manifestConfigurationPathEscapes() throws Exception {
        ManifestEditor.edit(backup, "  \"config\": [", "  \"config\": [\n    {\"setting\": \"include\", \"type\":"
                + " \"file\", \"original\": \"/etc/postgresql/../../tmp/x\", \"area\": \"config\"}");
        assertRefused("unsafe", "/etc/postgresql/../../tmp/x");
    }

    @Test
    @FaultCase(id = "hostile.file-replaced-by-symlink", area = AREA, phase = "verify, restore pre-flight",
            injected = "a file of the backup (data/PG_VERSION) replaced by a symbolic link to a file outside it",
            mustHold = {"verify reports the type change", "restore refuses: BACKUP_INVALID, exit 2",
                    "the live cluster keeps its pid; nothing moved aside"})
    void fileReplacedBySymlink() throws Exception {
        Path elsewhere = host.dest().resolve("PG_VERSION");
        Files.copy(backup.resolve("data/PG_VERSION"), elsewhere);
        Files.delete(backup.resolve("data/PG_VERSION"));
        Files.createSymbolicLink(backup.resolve("data/PG_VERSION"), elsewhere);
        assertRefused("type", "PG_VERSION");
    }

    @Test
    @FaultCase(id = "hostile.area-replaced-by-symlink", area = AREA, phase = "verify, restore pre-flight",
            injected = "the backup's data/ directory replaced by a symbolic link to an identical copy outside the backup",
            mustHold = {"verify reports the link as unsafe although every file matches",
                    "restore refuses: BACKUP_INVALID, exit 2", "the live cluster keeps its pid; nothing moved aside"})
    void areaReplacedBySymlink() throws Exception {
        Path elsewhere = host.dest().resolve("data-elsewhere");
        host.user.runAs(List.of("mv", backup.resolve("data").toString(), elsewhere.toString()), Duration.ofSeconds(30))
                .orThrow();
        host.user.runAs(List.of("ln", "-s", elsewhere.toString(), backup.resolve("data").toString()),
                Duration.ofSeconds(30)).orThrow();
        assertRefused("unsafe", "data");
    }
}
