/*
 * Signature-only stand-in, never shipped (see offline-build/jenkins-api/README.md).
 * Mirrors org.jenkins-ci.main:jenkins-core:2.541.3 (jenkinsci/jenkins tag jenkins-2.541.3),
 * core/src/main/java/hudson/security/PermissionGroup.java. Declares only what the plugin uses; bodies are not the real ones.
 */
package hudson.security;

import edu.umd.cs.findbugs.annotations.NonNull;
import org.jvnet.localizer.Localizable;

// Named here only because the Permission constants the plugin uses are built with one.
public final class PermissionGroup {
    // Trivial behaviour: the stand-in's permission constants need a group to be built.
    @SuppressWarnings("rawtypes")
    public PermissionGroup(@NonNull Class owner, Localizable title) throws IllegalStateException {
    }
}
