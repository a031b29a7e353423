package io.pgofflinebackup.cli;

/** Bad options or input found before anything was contacted: exit code 2. */
final class UsageError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageError(String message) {
        super(message);
    }

    UsageError(String message, Throwable cause) {
        super(message, cause);
    }

    /** Says so (one JSON object on stdout with --json, a line on stderr without) and returns exit code 2. */
    int report(boolean json) {
        if (json) {
            System.out.println(JsonOutput.failure(io.pgofflinebackup.ErrorCode.BAD_INPUT, getMessage(), null, 2));
        } else {
            System.err.println("error: " + getMessage());
        }
        return 2;
    }
}
