package io.pgofflinebackup.pull;

import java.io.IOException;

/** A tar stream held an entry that must not be written (see {@link TarExtractor}). */
public final class TarRefusedException extends IOException {
    private static final long serialVersionUID = 1L;

    public TarRefusedException(String message) {
        super("refused to extract: " + message);
    }
}
