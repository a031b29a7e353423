package io.pgofflinebackup.backup;

import io.pgofflinebackup.postgres.ActiveSession;
import io.pgofflinebackup.postgres.ConfigLocation;
import io.pgofflinebackup.postgres.LinkedArea;
import io.pgofflinebackup.postgres.PreviousRun;
import java.util.List;

/**
 * What a backup would do, as found by the pre-flight while PostgreSQL kept running. A plan with
 * problems is one the backup would refuse. Bytes and files count PGDATA, the tablespaces and WAL
 * directory it links to ({@code linkedAreas}) and its configuration outside it ({@code configFiles}),
 * which are all copied. {@code service} is how it would be stopped and started.
 * {@code copyMethod} says how the files would be taken: a copy while stopped, a
 * pre-copy and a copy of what changed, or a copy-on-write snapshot.
 */
public record BackupPlan(String host, String sshUser, String pgdata, String pgVersion, String pgBin, boolean running,
        String clusterState, long postmasterPid, int port, String socketDirectory, String systemIdentifier,
        long bytes, long files, String dest, long destFreeBytes, long requiredBytes, String dbUser,
        boolean sessionsKnown, List<ActiveSession> sessions,
        List<PreviousRun> previousRuns, List<String> warnings, List<Problem> problems, List<LinkedArea> linkedAreas,
        List<ConfigLocation> configFiles, ServiceChoice service, String copyMethod) {

    public boolean ok() {
        return problems.isEmpty();
    }
}
