package io.pgofflinebackup.backup;

import io.pgofflinebackup.ErrorCode;
import io.pgofflinebackup.JobFailure;
import io.pgofflinebackup.ssh.ExecResult;
import io.pgofflinebackup.ssh.ShellQuote;
import io.pgofflinebackup.ssh.SshSession;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import io.pgofflinebackup.runner.RunnerHandle;

/**
 * The local side of a --pull-to backup's directories: {@code DIR/.<id>.partial} while it is
 * pulled, renamed to {@code DIR/<id>} only once the runner has verified and recorded it and its
 * manifests and log are here, exactly as a backup on the database host is sealed.
 */
final class PulledBackup {
    private static final long MAX_RECORD_BYTES = 1L << 30;
    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    private PulledBackup() {
    }

    /**
     * A pull run's directory on the database host, {@code ~/.pg-offline-backup/runs/<id>}: the
     * runner's scripts, params, state and log; the configuration files outside PGDATA staged for
     * the pull ({@code stage/config}); the manifests the runner writes ({@code out}). Nothing of the
     * cluster is written there.
     */
    record Run(String runsDir, String id) {
        String runDir() {
            return runsDir + "/" + id;
        }

        String stageDir() {
            return runDir() + "/stage";
        }

        String recordDir() {
            return runDir() + "/out";
        }

        String log() {
            return runDir() + "/backup.log";
        }

        RunnerHandle handle() {
            return new RunnerHandle(id, runDir(), "runner.sh", List.of(log()));
        }
    }

    /** Claims a fresh id in the runs directory on the host (mkdir is atomic). */
    static Run claimRemote(SshSession ssh, String runsDir, Clock clock) throws JobFailure, IOException {
        return new Run(runsDir, BackupRunPreparer.claimRunDirectory(ssh, runsDir, clock));
    }

    /** Creates {@code DIR/.<id>.partial} (mode 0700); refuses an id already used here. */
    static Path claim(Path dir, String id) throws JobFailure {
        Path partial = dir.resolve("." + id + ".partial");
        if (Files.exists(dir.resolve(id))) {
            throw new JobFailure(ErrorCode.DEST_NOT_USABLE, dir.resolve(id) + " already exists on this machine;"
                    + " nothing was done, run the backup again");
        }
        try {
            Files.createDirectory(partial, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            return partial;
        } catch (FileAlreadyExistsException e) {
            throw new JobFailure(ErrorCode.DEST_NOT_USABLE, partial + " already exists on this machine; nothing was done,"
                    + " run the backup again", e);
        } catch (IOException e) {
            throw new JobFailure(ErrorCode.DEST_NOT_USABLE, "cannot create " + partial + ": " + e.getMessage(), e);
        }
    }

    /**
     * Fetches manifest.json, backup_manifest (when there is one) and backup.log the runner wrote in
     * its run directory on the host into the partial directory.
     */
    static void fetchRecord(SshSession ssh, Run run, Path partial) throws IOException {
        String remoteRecord = run.recordDir();
        fetch(ssh, remoteRecord + "/manifest.json", partial.resolve("manifest.json"));
        ExecResult pgManifest = ssh.exec("test -f " + ShellQuote.quote(remoteRecord + "/backup_manifest"), null,
                Duration.ofSeconds(60));
        if (pgManifest.ok()) {
            fetch(ssh, remoteRecord + "/backup_manifest", partial.resolve("backup_manifest"));
        }
        fetch(ssh, run.log(), partial.resolve("backup.log"));
    }

    /**
     * Renames the partial directory, its record fetched (fetchRecord) and checked here, to its
     * final name once all of it is on disk. Returns the final directory.
     */
    static Path seal(Run run, Path partial) throws JobFailure, IOException {
        String id = run.id();
        Path sealed = partial.resolveSibling(id);
        if (Files.exists(sealed)) {
            throw new JobFailure(ErrorCode.RECORD_FAILED, sealed + " already exists; the complete copy stays at " + partial);
        }
        // The copy must be on disk before its name says it is complete.
        syncTree(partial);
        try {
            Files.move(partial, sealed, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new JobFailure(ErrorCode.RECORD_FAILED, "cannot rename " + partial + " to " + sealed + ": "
                    + e.getMessage() + "; the complete copy stays at " + partial, e);
        }
        force(sealed.getParent(), true);
        return sealed;
    }

    private static void fetch(SshSession ssh, String remote, Path local) throws IOException {
        try (OutputStream out = Files.newOutputStream(local, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ssh.download(remote, out, MAX_RECORD_BYTES, TIMEOUT);
        }
    }

    private static void syncTree(Path root) throws IOException {
        try (var walk = Files.walk(root)) {
            for (Path path : (Iterable<Path>) walk::iterator) {
                if (Files.isSymbolicLink(path)) {
                    continue;
                }
                force(path, Files.isDirectory(path));
            }
        }
    }

    private static void force(Path path, boolean directory) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            if (!directory) {
                throw e;
            }
            // Some file systems cannot open a directory for fsync; its entries were synced one by one.
        }
    }
}
