/*
 * Signature-only stand-in, never shipped (see offline-build/jenkins-api/README.md).
 * Mirrors org.jenkins-ci.main:jenkins-core:2.541.3 (jenkinsci/jenkins tag jenkins-2.541.3),
 * core/src/main/java/hudson/model/Descriptor.java. Declares only what the plugin uses; bodies are not the real ones.
 */
package hudson.model;

import edu.umd.cs.findbugs.annotations.NonNull;

// Real: also implements Loadable, Saveable, OnMaster.
public abstract class Descriptor<T extends Describable<T>> {

    // Trivial behaviour: unit tests create descriptors to call their form methods.
    protected Descriptor() {
    }

    @NonNull
    public String getDisplayName() {
        throw new UnsupportedOperationException("stand-in");
    }

    public String getHelpFile(final String fieldName) {
        throw new UnsupportedOperationException("stand-in");
    }
}
