/*
 * Signature-only stand-in, never shipped (see offline-build/jenkins-api/README.md).
 * Mirrors org.jenkins-ci.main:jenkins-core:2.541.3 (jenkinsci/jenkins tag jenkins-2.541.3),
 * core/src/main/java/hudson/util/Secret.java. Declares only what the plugin uses; bodies are not the real ones.
 */
package hudson.util;

import java.io.Serializable;

public final class Secret implements Serializable {
    private static final long serialVersionUID = 1L;

    private Secret() {
        throw new UnsupportedOperationException("stand-in");
    }

    public String getPlainText() {
        throw new UnsupportedOperationException("stand-in");
    }
}
