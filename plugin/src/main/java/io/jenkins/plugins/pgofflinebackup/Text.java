package io.jenkins.plugins.pgofflinebackup;

import edu.umd.cs.findbugs.annotations.CheckForNull;

/** Small string helpers shared by the form binding and the request mapping. */
final class Text {
    private Text() {
    }

    /** Trimmed value, or null when blank: form fields left empty mean "use the default". */
    @CheckForNull
    static String blankToNull(@CheckForNull String value) {
        if (value == null) {
            return null;
        }
        String trimmed = value.strip();
        return trimmed.isEmpty() ? null : trimmed;
    }

    static boolean isOneLine(String value) {
        return value.indexOf('\n') < 0 && value.indexOf('\r') < 0 && value.indexOf('\0') < 0;
    }
}
