/*
 * Signature-only stand-in, never shipped (see offline-build/jenkins-api/README.md).
 * Mirrors org.jenkins-ci.main:remoting:3352.v17a_fb_4b_2773f (bundled by jenkins-core 2.541.3),
 * src/main/java/hudson/remoting/VirtualChannel.java (jenkinsci/remoting). Declares only what the plugin uses; bodies are not the real ones.
 */
package hudson.remoting;

import java.io.IOException;
import java.util.concurrent.Future;

public interface VirtualChannel {
    <V, T extends Throwable> V call(Callable<V, T> callable) throws IOException, T, InterruptedException;

    <V, T extends Throwable> Future<V> callAsync(Callable<V, T> callable) throws IOException;
}
