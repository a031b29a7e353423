/*
 * Signature-only stand-in, never shipped (see offline-build/jenkins-api/README.md).
 * Mirrors org.jenkins-ci.main:jenkins-core:2.541.3 (jenkinsci/jenkins tag jenkins-2.541.3),
 * core/src/main/java/hudson/model/Run.java. Declares only what the plugin uses; bodies are not the real ones.
 */
package hudson.model;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import java.io.IOException;
import jenkins.model.ArtifactManager;

// Real: also implements ExtensionPoint, Comparable<RunT>, AccessControlled, PersistenceRoot, ...
public abstract class Run<JobT extends Job<JobT, RunT>, RunT extends Run<JobT, RunT>> extends Actionable {

    private Run() {
        throw new UnsupportedOperationException("stand-in");
    }

    @Override
    public void addAction(@NonNull Action a) {
        throw new UnsupportedOperationException("stand-in");
    }

    public @NonNull String getExternalizableId() {
        throw new UnsupportedOperationException("stand-in");
    }

    public int getNumber() {
        throw new UnsupportedOperationException("stand-in");
    }

    public final long getTimeInMillis() {
        throw new UnsupportedOperationException("stand-in");
    }

    public @CheckForNull RunT getPreviousBuild() {
        throw new UnsupportedOperationException("stand-in");
    }

    public final synchronized @NonNull ArtifactManager pickArtifactManager() throws IOException {
        throw new UnsupportedOperationException("stand-in");
    }
}
