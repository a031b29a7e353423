/*
 * Signature-only stand-in, never shipped (see offline-build/jenkins-api/README.md).
 * Mirrors org.jenkins-ci.main:jenkins-core:2.541.3 (jenkinsci/jenkins tag jenkins-2.541.3),
 * core/src/main/java/jenkins/model/ArtifactManager.java. Declares only what the plugin uses; bodies are not the real ones.
 */
package jenkins.model;

import hudson.FilePath;
import hudson.Launcher;
import hudson.model.BuildListener;
import java.io.IOException;
import java.util.Map;

// Real: also onLoad(Run), delete() and root(), abstract as well; tests mock this class.
public abstract class ArtifactManager {
    // The real class has an implicit public constructor; managers and mocks subclass it.
    public ArtifactManager() {
    }

    public abstract void archive(FilePath workspace, Launcher launcher, BuildListener listener,
            Map<String, String> artifacts) throws IOException, InterruptedException;
}
