package io.jenkins.plugins.pgofflinebackup;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import io.pgofflinebackup.util.Bytes;
import io.pgofflinebackup.verify.VerifyJob;
import io.pgofflinebackup.verify.VerifyProblem;
import io.pgofflinebackup.verify.VerifyReport;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a verification ended, in a form that travels back from the agent: what the engine found of
 * the backup, or why it could not look. Immutable.
 */
final class VerifyOutcome implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String host;
    private final String backup;
    private final boolean checked;
    private final boolean valid;
    @CheckForNull
    private final String status;
    @CheckForNull
    private final String backupId;
    private final long files;
    private final long bytes;
    @CheckForNull
    private final String pgVerifybackup;
    private final ArrayList<String> problems;
    @CheckForNull
    private final String errorCode;
    @CheckForNull
    private final String errorMessage;
    private final int exitCode;

    private VerifyOutcome(String host, VerifyJob.Result result) {
        VerifyReport report = result.report();
        this.host = host;
        this.backup = result.backup();
        this.checked = report != null;
        this.valid = result.valid();
        this.status = report == null ? null : report.status();
        this.backupId = report == null ? null : report.backupId();
        this.files = report == null ? 0 : report.files();
        this.bytes = report == null ? 0 : report.bytes();
        this.pgVerifybackup = report == null ? null : report.pgVerifybackup();
        this.problems = new ArrayList<>();
        if (report != null) {
            for (VerifyProblem problem : report.problems()) {
                problems.add(problem.describe());
            }
        }
        this.errorCode = result.errorCode() == null ? null : result.errorCode().name();
        this.errorMessage = result.errorMessage();
        this.exitCode = result.exitCode();
    }

    static VerifyOutcome of(String host, VerifyJob.Result result) {
        return new VerifyOutcome(host, result);
    }

    /** The backup could be read and compared with its manifest (whether or not it is valid). */
    boolean checked() {
        return checked;
    }

    boolean valid() {
        return valid;
    }

    @CheckForNull
    String status() {
        return status;
    }

    List<String> problems() {
        return Collections.unmodifiableList(problems);
    }

    /** As the CLI's verify: 0 valid, 1 not valid, 2 could not be checked. */
    int exitCode() {
        return exitCode;
    }

    /** What {@code pgOfflineVerify} returns to the Pipeline script. */
    Map<String, Object> toStepResult() {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("status", status);
        result.put("valid", valid);
        result.put("files", files);
        result.put("bytes", bytes);
        result.put("problems", new ArrayList<>(problems));
        result.put("pgVerifybackup", pgVerifybackup);
        result.put("backupId", backupId);
        result.put("backup", backup);
        return result;
    }

    /** One line for the build log. */
    String message() {
        if (!checked) {
            return Messages.VerifyOutcome_notChecked(backup, host, errorCode, errorMessage);
        }
        if (valid) {
            return Messages.VerifyOutcome_valid(backup, host, files, Bytes.human(bytes), pgVerifybackup);
        }
        int shown = Math.min(problems.size(), 20);
        String listed = String.join("; ", problems.subList(0, shown))
                + (problems.size() > shown ? Messages.VerifyOutcome_more(problems.size() - shown) : "");
        return Messages.VerifyOutcome_invalid(backup, host, status, problems.size(), listed);
    }
}
