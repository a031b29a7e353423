package io.pgofflinebackup.restore;

import io.pgofflinebackup.backup.Problem;
import io.pgofflinebackup.backup.ServiceChoice;
import io.pgofflinebackup.runner.RunnerParams;
import io.pgofflinebackup.verify.VerifyReport;
import java.util.List;

/** What the pre-flight of a restore found, with the live cluster still untouched. */
record RestorePlan(String host, VerifyReport backup, boolean targetExists, boolean running, String pgBin,
        String dbUser, boolean sessionsKnown, long ownerUid, long sshUid, List<String> warnings,
        List<Problem> problems, List<RestoreArea> areas, boolean restoreConfig, ServiceChoice service) {

    boolean ok() {
        return problems.isEmpty();
    }

    /**
     * The runner params that say where the tablespaces and WAL directory go and whether the
     * configuration outside PGDATA is put back (read by restore.sh).
     */
    RunnerParams addLayoutTo(RunnerParams params) {
        params.put("restore_config", restoreConfig);
        params.put("areas", areas.size());
        for (int i = 0; i < areas.size(); i++) {
            RestoreArea area = areas.get(i);
            params.put("area_" + (i + 1), area.source().area())
                    .put("area_" + (i + 1) + "_link", area.source().link())
                    .put("area_" + (i + 1) + "_target", area.target());
        }
        return params;
    }
}
