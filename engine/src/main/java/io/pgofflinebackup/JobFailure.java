package io.pgofflinebackup;

/**
 * A backup or restore that did not complete. The message says what happened and what the user
 * must do; it never contains a secret.
 */
public class JobFailure extends Exception {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final Boolean databaseRunning;

    public JobFailure(ErrorCode code, String message) {
        this(code, message, null, null);
    }

    public JobFailure(ErrorCode code, String message, Throwable cause) {
        this(code, message, null, cause);
    }

    public JobFailure(ErrorCode code, String message, Boolean databaseRunning, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.databaseRunning = databaseRunning;
    }

    public ErrorCode code() {
        return code;
    }

    /** Whether PostgreSQL runs after the failure, or null where nobody could tell. */
    public Boolean databaseRunning() {
        return databaseRunning;
    }

    public int exitCode() {
        return code.outcome().exitCode();
    }
}
