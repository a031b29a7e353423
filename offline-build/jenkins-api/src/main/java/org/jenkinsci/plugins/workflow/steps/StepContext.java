/*
 * Signature-only stand-in, never shipped (see offline-build/jenkins-api/README.md).
 * Mirrors org.jenkins-ci.plugins.workflow:workflow-step-api:724.v538c2362b_dfb_ (BOM 6916.v15ec97679743; read at jenkinsci/workflow-step-api-plugin 0773c3c6),
 * src/main/java/org/jenkinsci/plugins/workflow/steps/StepContext.java. Declares only what the plugin uses; bodies are not the real ones.
 */
package org.jenkinsci.plugins.workflow.steps;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.ListenableFuture;
import edu.umd.cs.findbugs.annotations.Nullable;
import java.io.IOException;
import java.io.Serializable;

public abstract class StepContext implements FutureCallback<Object>, Serializable {
    private static final long serialVersionUID = 1L;

    // The real class has an implicit public constructor; Mockito mocks subclass it.
    public StepContext() {
    }

    public abstract <T> T get(Class<T> key) throws IOException, InterruptedException;

    @Override
    public abstract void onSuccess(@Nullable Object result);

    public abstract ListenableFuture<Void> saveState();
}
