package io.pgofflinebackup.restore;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgofflinebackup.ErrorCode;
import io.pgofflinebackup.backup.BackupResult;
import io.pgofflinebackup.backup.RealHostSupport;
import io.pgofflinebackup.testing.PgCluster;
import io.pgofflinebackup.testing.ProcessResult;
import io.pgofflinebackup.verify.VerifyProblem;
import io.pgofflinebackup.verify.VerifyReport;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A damaged backup is named for what is wrong with it by verify, by PostgreSQL's own
 * pg_verifybackup, and restore refuses it while the live cluster keeps running untouched.
 */
class VerifyTest {
    private static RealHostSupport host;
    private static PgCluster cluster;
    private static Path pristine;
    private Path backup;

    @BeforeAll
    static void start() {
        host = new RealHostSupport();
        cluster = host.cluster(PgCluster.Options.defaults().withPgbenchScale(0));
        cluster.query("CREATE TABLE t AS SELECT g, repeat('x', 200) AS filler FROM generate_series(1, 5000) g");
        BackupResult result = RealHostSupport.backup(host.request(cluster, host.dest()).build());
        assertThat(result.ok()).as(String.valueOf(result.errorMessage())).isTrue();
        pristine = Path.of(result.backupPath());
    }

    @AfterAll
    static void stop() {
        host.close();
    }

    /** Each test damages its own copy of the one backup. */
    @BeforeEach
    void copyBackup() {
        Path dir = host.dest();
        backup = dir.resolve(pristine.getFileName());
        host.user.runAs(List.of("cp", "-a", pristine.toString(), backup.toString()), Duration.ofMinutes(1))
                .orThrow();
    }

    private void assertRestoreRefused(ErrorCode expected) {
        long pid = cluster.postmasterPid();
        RestoreResult result = RealHostSupport.restore(host.restoreRequest(cluster, backup.toString()).build());
        assertThat(result.errorCode()).as(result.errorMessage()).isEqualTo(expected);
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(cluster.postmasterPid()).as("the live cluster was not touched").isEqualTo(pid);
        assertThat(RealHostSupport.entries(cluster.directory())).noneMatch(n -> n.contains("restore"));
    }

    private ProcessResult pgVerifybackup(Path dir) {
        return host.user.runAs(List.of(cluster.binDir().resolve("pg_verifybackup").toString(), "-m",
                dir.resolve("backup_manifest").toString(), dir.resolve("data").toString()), Duration.ofMinutes(2));
    }

    private Path aRelationFile() throws Exception {
        try (Stream<Path> files = Files.walk(backup.resolve("data/base"))) {
            return files.filter(Files::isRegularFile).filter(p -> p.getFileName().toString().matches("\\d+"))
                    .filter(p -> p.toFile().length() >= 8192).findFirst().orElseThrow();
        }
    }

    @Test
    void aFreshBackupIsValidForUsAndForPgVerifybackup() throws Exception {
        VerifyReport report = host.verify(cluster, backup);
        assertThat(report.valid()).as(report.summary()).isTrue();
        assertThat(report.pgVerifybackup()).isEqualTo("passed");
        assertThat(report.files()).isPositive();
        ProcessResult stock = pgVerifybackup(backup);
        assertThat(stock.exitCode()).as(stock.stderr()).isZero();
        assertThat(stock.stdout()).contains("backup successfully verified");
    }

    @Test
    void oneChangedByteIsFound() throws Exception {
        Path file = aRelationFile();
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(4000);
            int b = raf.read();
            raf.seek(4000);
            raf.write(b ^ 0xff);
        }
        String relative = backup.resolve("data").relativize(file).toString();
        VerifyReport report = host.verify(cluster, backup);
        assertThat(report.valid()).isFalse();
        assertThat(report.problems()).contains(new VerifyProblem(relative, "checksum",
                "SHA-256 differs from the manifest"));
        assertThat(pgVerifybackup(backup).exitCode()).isNotZero();
        assertRestoreRefused(ErrorCode.BACKUP_INVALID);
    }

    @Test
    void aMissingFileIsFound() throws Exception {
        Files.delete(backup.resolve("data/PG_VERSION"));
        VerifyReport report = host.verify(cluster, backup);
        assertThat(report.problems()).extracting(VerifyProblem::kind, VerifyProblem::path)
                .contains(org.assertj.core.groups.Tuple.tuple("missing", "PG_VERSION"));
        assertRestoreRefused(ErrorCode.BACKUP_INVALID);
    }

    @Test
    void anExtraFileIsFound() throws Exception {
        Path extra = backup.resolve("data/base/stray-file");
        Files.writeString(extra, "not from the cluster");
        host.user.chownToUser(extra);
        VerifyReport report = host.verify(cluster, backup);
        assertThat(report.problems()).extracting(VerifyProblem::kind, VerifyProblem::path)
                .contains(org.assertj.core.groups.Tuple.tuple("extra", "base/stray-file"));
        assertThat(pgVerifybackup(backup).stderr()).contains("present on disk but not in the manifest");
        assertRestoreRefused(ErrorCode.BACKUP_INVALID);
    }

    @Test
    void anEditedManifestIsFound() throws Exception {
        Path manifest = backup.resolve("manifest.json");
        String text = Files.readString(manifest, StandardCharsets.UTF_8);
        Files.writeString(manifest, text.replaceFirst("\"size\": (\\d+)", "\"size\": 1$1"), StandardCharsets.UTF_8);
        VerifyReport report = host.verify(cluster, backup);
        assertThat(report.status()).isEqualTo("failed");
        assertThat(report.problems()).extracting(VerifyProblem::kind).containsExactly("manifest");
        assertRestoreRefused(ErrorCode.BACKUP_INVALID);
    }

    @Test
    void aPartialDirectoryIsIncompleteNeverValid() throws Exception {
        Path partial = backup.resolveSibling("." + backup.getFileName() + ".partial");
        Files.move(backup, partial, StandardCopyOption.ATOMIC_MOVE);
        backup = partial;
        VerifyReport report = host.verify(cluster, partial);
        assertThat(report.status()).isEqualTo("incomplete");
        assertThat(report.valid()).isFalse();
        assertRestoreRefused(ErrorCode.BACKUP_INCOMPLETE);
    }

    @Test
    void aBackupOfAnotherMajorVersionIsRefused() throws Exception {
        String major = Integer.toString(cluster.majorVersion());
        ManifestEditor.edit(backup, "\"majorVersion\": \"" + major + "\"", "\"majorVersion\": \"9" + major + "\"");
        assertRestoreRefused(ErrorCode.VERSION_MISMATCH);
    }
}
