/*
 * Signature-only stand-in, never shipped (see offline-build/jenkins-api/README.md).
 * Mirrors org.jenkins-ci.plugins.workflow:workflow-step-api:724.v538c2362b_dfb_ (BOM 6916.v15ec97679743; read at jenkinsci/workflow-step-api-plugin 0773c3c6),
 * src/main/java/org/jenkinsci/plugins/workflow/steps/StepExecution.java. Declares only what the plugin uses; bodies are not the real ones.
 */
package org.jenkinsci.plugins.workflow.steps;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import java.io.Serializable;

public abstract class StepExecution implements Serializable {
    private static final long serialVersionUID = 1L;

    private final StepContext context;

    // Trivial behaviour: keeps the context, so tests can drive an execution with a mocked one.
    protected StepExecution(@NonNull StepContext context) {
        this.context = context;
    }

    // Trivial behaviour, as above.
    public @NonNull StepContext getContext() {
        if (context == null) {
            throw new IllegalStateException("no context");
        }
        return context;
    }

    public abstract boolean start() throws Exception;

    public void stop(@NonNull Throwable cause) throws Exception {
        throw new UnsupportedOperationException("stand-in");
    }

    public void onResume() {
        throw new UnsupportedOperationException("stand-in");
    }

    public @CheckForNull String getStatus() {
        throw new UnsupportedOperationException("stand-in");
    }

    public boolean blocksRestart() {
        throw new UnsupportedOperationException("stand-in");
    }
}
