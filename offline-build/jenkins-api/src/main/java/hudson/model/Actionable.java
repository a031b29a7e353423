/*
 * Signature-only stand-in, never shipped (see offline-build/jenkins-api/README.md).
 * Mirrors org.jenkins-ci.main:jenkins-core:2.541.3 (jenkinsci/jenkins tag jenkins-2.541.3),
 * core/src/main/java/hudson/model/Actionable.java. Declares only what the plugin uses; bodies are not the real ones.
 */
package hudson.model;

import edu.umd.cs.findbugs.annotations.NonNull;
import java.util.List;

// Real: extends AbstractModelObject implements ModelObjectWithContextMenu.
public abstract class Actionable {
    // The real class has an implicit public constructor; subclasses need one.
    public Actionable() {
    }

    @NonNull
    public <T extends Action> List<T> getActions(Class<T> type) {
        throw new UnsupportedOperationException("stand-in");
    }

    public void addAction(@NonNull Action a) {
        throw new UnsupportedOperationException("stand-in");
    }
}
