/*
 * Signature-only stand-in, never shipped (see offline-build/jenkins-api/README.md).
 * Mirrors org.jenkins-ci.main:jenkins-core:2.541.3 (jenkinsci/jenkins tag jenkins-2.541.3),
 * core/src/main/java/hudson/FilePath.java. Declares only what the plugin uses; bodies are not the real ones.
 */
package hudson;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.remoting.VirtualChannel;
import java.io.File;
import java.io.IOException;
import java.io.Serializable;

// Real: implements org.jenkinsci.remoting.SerializableOnlyOverRemoting (a Serializable).
public final class FilePath implements Serializable {
    private static final long serialVersionUID = 1L;

    public FilePath(@CheckForNull VirtualChannel channel, @NonNull String remote) {
        throw new UnsupportedOperationException("stand-in");
    }

    public FilePath(@NonNull File localPath) {
        throw new UnsupportedOperationException("stand-in");
    }

    public void deleteRecursive() throws IOException, InterruptedException {
        throw new UnsupportedOperationException("stand-in");
    }

    public VirtualChannel getChannel() {
        throw new UnsupportedOperationException("stand-in");
    }
}
