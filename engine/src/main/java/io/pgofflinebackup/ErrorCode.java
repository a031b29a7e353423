package io.pgofflinebackup;

/**
 * Why a job failed, and therefore what the caller's exit status is. The outcome classes follow the
 * CLI contract: {@link Outcome#UNTOUCHED} (bad usage or input, nothing was touched),
 * {@link Outcome#RESTORED} (failed, PostgreSQL is back in the state it was found) and
 * {@link Outcome#DATABASE_DOWN} (PostgreSQL could not be brought back: a human is needed now).
 */
public enum ErrorCode {
    BAD_INPUT(Outcome.UNTOUCHED),
    UNKNOWN_HOST(Outcome.UNTOUCHED),
    CONNECTION_FAILED(Outcome.UNTOUCHED),
    AUTHENTICATION_FAILED(Outcome.UNTOUCHED),
    HOST_KEY_UNKNOWN(Outcome.UNTOUCHED),
    HOST_KEY_MISMATCH(Outcome.UNTOUCHED),
    PGDATA_NOT_FOUND(Outcome.UNTOUCHED),
    NOT_A_CLUSTER(Outcome.UNTOUCHED),
    OWNER_MISMATCH(Outcome.UNTOUCHED),
    MISSING_BINARIES(Outcome.UNTOUCHED),
    MISSING_TOOLS(Outcome.UNTOUCHED),
    NOT_CLEANLY_STOPPED(Outcome.UNTOUCHED),
    CLUSTER_BUSY(Outcome.UNTOUCHED),
    UNSUPPORTED_LAYOUT(Outcome.UNTOUCHED),
    DEST_NOT_USABLE(Outcome.UNTOUCHED),
    /** The database host cannot reach the backup host of --dest-host over ssh. */
    DEST_HOST_UNREACHABLE(Outcome.UNTOUCHED),
    /** The backup host does not accept the database host user's ssh key. */
    DEST_HOST_AUTH_FAILED(Outcome.UNTOUCHED),
    /** The backup host's key is not in the database host user's known_hosts. */
    DEST_HOST_KEY_UNKNOWN(Outcome.UNTOUCHED),
    /** The backup host's key differs from the one in known_hosts. */
    DEST_HOST_KEY_MISMATCH(Outcome.UNTOUCHED),
    DEST_INSIDE_PGDATA(Outcome.UNTOUCHED),
    NO_SPACE(Outcome.UNTOUCHED),
    ACTIVE_SESSIONS(Outcome.UNTOUCHED),
    SESSIONS_UNKNOWN(Outcome.UNTOUCHED),
    BACKUP_IN_PROGRESS(Outcome.UNTOUCHED),
    CONFIRMATION_MISMATCH(Outcome.UNTOUCHED),
    BACKUP_NOT_FOUND(Outcome.UNTOUCHED),
    BACKUP_INCOMPLETE(Outcome.UNTOUCHED),
    BACKUP_INVALID(Outcome.UNTOUCHED),
    VERSION_MISMATCH(Outcome.UNTOUCHED),
    TARGET_NOT_USABLE(Outcome.UNTOUCHED),
    SERVICE_NOT_FOUND(Outcome.UNTOUCHED),
    SUDO_NOT_ALLOWED(Outcome.UNTOUCHED),
    LOCKED(Outcome.UNTOUCHED),
    CONFIG_INVALID(Outcome.UNTOUCHED),
    SNAPSHOT_UNSUPPORTED(Outcome.UNTOUCHED),
    CLUSTER_CHANGED(Outcome.RESTORED),
    STOP_TIMEOUT(Outcome.RESTORED),
    NOT_CLEANLY_STOPPED_AFTER_STOP(Outcome.RESTORED),
    MAX_DOWNTIME(Outcome.RESTORED),
    ABORTED(Outcome.RESTORED),
    MOVE_FAILED(Outcome.RESTORED),
    COPY_FAILED(Outcome.RESTORED),
    VERIFY_FAILED(Outcome.RESTORED),
    RECORD_FAILED(Outcome.RESTORED),
    RUNNER_ERROR(Outcome.RESTORED),
    RUNNER_DIED(Outcome.RESTORED),
    CONNECTION_LOST(Outcome.RESTORED),
    START_FAILED(Outcome.DATABASE_DOWN),
    DATABASE_DOWN(Outcome.DATABASE_DOWN),
    INTERNAL(Outcome.RESTORED);

    /** What a failure left behind on the database host. */
    public enum Outcome {
        UNTOUCHED(2), RESTORED(1), DATABASE_DOWN(3);

        private final int exitCode;

        Outcome(int exitCode) {
            this.exitCode = exitCode;
        }

        public int exitCode() {
            return exitCode;
        }
    }

    private final Outcome outcome;

    ErrorCode(Outcome outcome) {
        this.outcome = outcome;
    }

    public Outcome outcome() {
        return outcome;
    }

    /** The runner's failure word, e.g. {@code COPY_FAILED}; unknown words are runner errors. */
    public static ErrorCode fromRunner(String word) {
        if ("NOT_CLEANLY_STOPPED".equals(word)) {
            return NOT_CLEANLY_STOPPED_AFTER_STOP;
        }
        for (ErrorCode code : values()) {
            if (code.name().equals(word)) {
                return code;
            }
        }
        return RUNNER_ERROR;
    }
}
