package io.pgofflinebackup.backup;

/** What the runner's state file says at its end. */
record RunnerOutcome(boolean ok, String dbState, String failureCode, String failureMessage, long files, long bytes,
        long downtimeMillis, String finalPath) {
}
