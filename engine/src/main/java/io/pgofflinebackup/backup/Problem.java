package io.pgofflinebackup.backup;

import io.pgofflinebackup.ErrorCode;

/** A reason found before any downtime not to go on. */
public record Problem(ErrorCode code, String message) {
}
