/*
 * Signature-only stand-in, never shipped (see offline-build/jenkins-api/README.md).
 * Mirrors org.jenkins-ci.main:jenkins-core:2.541.3 (jenkinsci/jenkins tag jenkins-2.541.3),
 * core/src/main/java/hudson/EnvVars.java. Declares only what the plugin uses; bodies are not the real ones.
 */
package hudson;

import java.util.TreeMap;

public class EnvVars extends TreeMap<String, String> {
    private static final long serialVersionUID = 1L;

    public EnvVars() {
        throw new UnsupportedOperationException("stand-in");
    }

    public String expand(String s) {
        throw new UnsupportedOperationException("stand-in");
    }
}
