package io.pgofflinebackup.verify;

import java.util.List;

/**
 * What verify.sh found. {@code status} is ok, failed, incomplete (a .partial directory) or
 * not_found; only ok means the backup may be used. {@code bytes} counts every file of the backup;
 * {@code dataBytes}, each area's and {@code configBytes} say how they divide.
 */
public record VerifyReport(String backup, String status, String backupId, String majorVersion,
        String systemIdentifier, String pgdata, long files, long bytes, String pgVerifybackup,
        List<VerifyProblem> problems, long dataBytes, List<BackupArea> areas, List<ConfigFile> configFiles,
        long configBytes) {

    /** A report without the layout (data only), as verify.sh gave before tablespaces were backed up. */
    public VerifyReport(String backup, String status, String backupId, String majorVersion, String systemIdentifier,
            String pgdata, long files, long bytes, String pgVerifybackup, List<VerifyProblem> problems) {
        this(backup, status, backupId, majorVersion, systemIdentifier, pgdata, files, bytes, pgVerifybackup, problems,
                bytes, List.of(), List.of(), 0);
    }

    public boolean valid() {
        return "ok".equals(status) && problems.isEmpty();
    }

    /** A one-line account of the problems, for error messages. */
    public String summary() {
        if (valid()) {
            return "valid: " + files + " files";
        }
        StringBuilder out = new StringBuilder(status);
        int shown = 0;
        for (VerifyProblem p : problems) {
            if (shown++ == 5) {
                out.append("; and ").append(problems.size() - 5).append(" more");
                break;
            }
            out.append(shown == 1 ? ": " : "; ").append(p.describe());
        }
        return out.toString();
    }
}
