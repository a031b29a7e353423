package io.pgofflinebackup.restore;

import io.pgofflinebackup.backup.Problem;
import io.pgofflinebackup.verify.VerifyReport;
import java.util.List;

/** What the pre-flight of a restore found, with the live cluster still untouched. */
record RestorePlan(String host, VerifyReport backup, boolean targetExists, boolean running, String pgBin,
        String dbUser, boolean sessionsKnown, long ownerUid, long sshUid, List<String> warnings,
        List<Problem> problems) {

    boolean ok() {
        return problems.isEmpty();
    }
}
