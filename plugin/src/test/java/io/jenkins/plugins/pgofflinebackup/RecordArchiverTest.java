package io.jenkins.plugins.pgofflinebackup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyMap;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import hudson.FilePath;
import hudson.Launcher;
import hudson.model.BuildListener;
import hudson.model.Run;
import hudson.model.TaskListener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import jenkins.model.ArtifactManager;
import jenkins.security.MasterToSlaveCallable;
import org.junit.jupiter.api.Test;

class RecordArchiverTest {
    private static final String DIR = "/tmp/pg-offline-backup-records-42";
    private static final List<String> NAMES = List.of("manifest.json", "backup_manifest", "backup.log");

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    // A BuildListener, so that BuildListenerAdapter.wrap hands it on as it is.
    private final BuildListener listener = mock(BuildListener.class);
    private final Run<?, ?> run = mock(Run.class);
    private final ArtifactManager artifacts = mock(ArtifactManager.class);
    private final FilePath records = mock(FilePath.class);
    private final Launcher launcher = mock(Launcher.class);
    private final EngineHost engine = new EngineHost() {
        @Override
        <V> Future<V> submit(MasterToSlaveCallable<V, IOException> task) {
            throw new AssertionError("archiving runs no job");
        }

        @Override
        <V> V call(MasterToSlaveCallable<V, IOException> task) {
            throw new AssertionError("archiving runs no job");
        }

        @Override
        String describe() {
            return "on agent db-backup";
        }

        @Override
        String nodeName() {
            return "db-backup";
        }

        @Override
        FilePath file(String path) {
            assertEquals(DIR, path);
            return records;
        }

        @Override
        Launcher launcher(TaskListener l) {
            return launcher;
        }
    };

    RecordArchiverTest() throws IOException {
        when(listener.getLogger()).thenReturn(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        doReturn(artifacts).when(run).pickArtifactManager();
    }

    private String log() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theRecordsGoThroughTheBuildsArtifactManagerFromWhereTheEngineFetchedThem() throws Exception {
        BackupOutcome outcome = BackupOutcome.of(BackupOutcomeTest.success(), DIR, NAMES, null);

        List<String> archived = RecordArchiver.archive(run, engine, listener, "db1.example.com", outcome);

        Map<String, String> expected = new LinkedHashMap<>();
        for (String name : NAMES) {
            expected.put("pg-offline-backup/db1.example.com/20261125T020003Z/" + name, name);
        }
        verify(artifacts).archive(records, launcher, listener, expected);
        assertEquals(List.copyOf(expected.keySet()), archived);
        // The temporary copy on the agent is removed once archived.
        verify(records).deleteRecursive();
        assertTrue(log().contains("Archived the backup's records with the build"), log());
    }

    @Test
    void aFailedArchiveLeavesABackupThatIsStillGoodAndSaysWhereTheRecordsAre() throws Exception {
        doThrow(new IOException("the artifact storage is full")).when(artifacts)
                .archive(any(), any(), any(), anyMap());
        BackupOutcome outcome = BackupOutcome.of(BackupOutcomeTest.success(), DIR, NAMES, null);

        List<String> archived = RecordArchiver.archive(run, engine, listener, "db1.example.com", outcome);

        assertEquals(List.of(), archived);
        verify(records).deleteRecursive();
        assertTrue(log().contains("could not be archived with the build (the artifact storage is full)"), log());
        assertTrue(log().contains("/backup/db1/20261125T020003Z on the host"), log());
    }

    @Test
    void recordsThatCouldNotBeFetchedAreSaidAndNothingIsArchived() throws Exception {
        BackupOutcome outcome = BackupOutcome.of(BackupOutcomeTest.success(), null, List.of(), "connection refused");

        assertEquals(List.of(), RecordArchiver.archive(run, engine, listener, "db1.example.com", outcome));

        verify(artifacts, never()).archive(any(), any(), any(), anyMap());
        assertTrue(log().contains("could not be copied for archiving (connection refused)"), log());
    }

    @Test
    void aFailedBackupHasNoRecordsToArchive() throws Exception {
        BackupOutcome outcome = BackupOutcome.of(BackupOutcomeTest.failure(io.pgofflinebackup.ErrorCode.COPY_FAILED,
                Boolean.TRUE));

        assertEquals(List.of(), RecordArchiver.archive(run, engine, listener, "db1", outcome));
        verify(run, never()).pickArtifactManager();
    }

    @Test
    void hostsAndIdsBecomeSinglePathSegments() {
        assertEquals(Map.of("pg-offline-backup/fe80__1/20261125T020003Z/backup.log", "backup.log"),
                RecordArchiver.artifacts("fe80::1", "20261125T020003Z", List.of("backup.log")));
        assertEquals("_", RecordArchiver.safe(".."));
        assertEquals("a_b", RecordArchiver.safe("a/b"));
        assertEquals("_", RecordArchiver.safe(null));
    }
}
