/*
 * Signature-only stand-in, never shipped (see offline-build/jenkins-api/README.md).
 * Mirrors org.jenkins-ci.plugins.workflow:workflow-step-api:724.v538c2362b_dfb_ (BOM 6916.v15ec97679743; read at jenkinsci/workflow-step-api-plugin 0773c3c6),
 * src/main/java/org/jenkinsci/plugins/workflow/steps/StepDescriptor.java. Declares only what the plugin uses; bodies are not the real ones.
 */
package org.jenkinsci.plugins.workflow.steps;

import hudson.model.Descriptor;
import java.util.Set;

public abstract class StepDescriptor extends Descriptor<Step> {
    // Trivial behaviour, as Descriptor's.
    public StepDescriptor() {
    }

    public abstract Set<? extends Class<?>> getRequiredContext();

    public abstract String getFunctionName();
}
