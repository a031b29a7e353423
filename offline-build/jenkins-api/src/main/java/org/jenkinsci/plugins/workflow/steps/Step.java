/*
 * Signature-only stand-in, never shipped (see offline-build/jenkins-api/README.md).
 * Mirrors org.jenkins-ci.plugins.workflow:workflow-step-api:724.v538c2362b_dfb_ (BOM 6916.v15ec97679743; read at jenkinsci/workflow-step-api-plugin 0773c3c6),
 * src/main/java/org/jenkinsci/plugins/workflow/steps/Step.java. Declares only what the plugin uses; bodies are not the real ones.
 */
package org.jenkinsci.plugins.workflow.steps;

import hudson.ExtensionPoint;
import hudson.model.Describable;

// Real: extends hudson.model.AbstractDescribableImpl<Step> (an empty class since core 2.505).
public abstract class Step implements Describable<Step>, ExtensionPoint {
    // The real class has an implicit public constructor; steps extend it.
    public Step() {
    }

    public abstract StepExecution start(StepContext context) throws Exception;

    @Override
    public StepDescriptor getDescriptor() {
        throw new UnsupportedOperationException("stand-in");
    }
}
