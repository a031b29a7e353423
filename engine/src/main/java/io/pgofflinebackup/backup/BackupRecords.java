package io.pgofflinebackup.backup;

import io.pgofflinebackup.ErrorCode;
import io.pgofflinebackup.JobFailure;
import io.pgofflinebackup.ssh.SshSession;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The records of a backup (manifest.json, backup_manifest, backup.log) copied from the database
 * host to this machine, e.g. for Jenkins to archive them. The data itself never comes along.
 */
public final class BackupRecords {
    /** The record files of a complete backup, in its directory. */
    public static final List<String> NAMES = List.of("manifest.json", "backup_manifest", "backup.log");
    /** A manifest lists every file of the cluster: large for a million files, but bounded. */
    private static final long MAX_BYTES = 4L * 1024 * 1024 * 1024;

    private BackupRecords() {
    }

    /**
     * Downloads the records that exist into {@code localDir} (created if needed), streaming, and
     * returns the files written. A missing backup_manifest (PostgreSQL before 13) is not an error.
     */
    public static List<Path> fetch(ConnectionSettings connection, String backupPath, Path localDir,
            Consumer<String> warnings) throws JobFailure {
        return fetch(connection, backupPath, localDir, warnings, false);
    }

    /**
     * The records in the directory {@code dir} of the host into {@code localDir} (created); a missing
     * backup_manifest (PostgreSQL before 13) is no error. Returns the files written.
     */
    static List<Path> download(SshSession ssh, String dir, Path localDir) throws IOException {
        List<Path> written = new ArrayList<>();
        Files.createDirectories(localDir);
        for (String name : NAMES) {
            Path target = localDir.resolve(name);
            try (OutputStream out = Files.newOutputStream(target)) {
                ssh.download(dir + "/" + name, out, MAX_BYTES, Duration.ofHours(1));
                written.add(target);
            } catch (IOException e) {
                Files.deleteIfExists(target);
                if (!name.equals("backup_manifest")) {
                    throw e;
                }
            }
        }
        return written;
    }

    /** @param sudo read them as the backup's owner through sudo -n, as a backup with --sudo wrote them */
    public static List<Path> fetch(ConnectionSettings connection, String backupPath, Path localDir,
            Consumer<String> warnings, boolean sudo) throws JobFailure {
        try (SshSession ssh = connection.connector(warnings).connect()) {
            if (sudo) {
                SudoAccess.become(ssh, List.of(backupPath));
            }
            return download(ssh, backupPath, localDir);
        } catch (IOException e) {
            throw new JobFailure(ErrorCode.CONNECTION_FAILED, "cannot copy the records of " + backupPath + ": "
                    + e.getMessage(), e);
        }
    }
}
