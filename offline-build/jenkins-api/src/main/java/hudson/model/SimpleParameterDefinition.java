/*
 * Signature-only stand-in, never shipped (see offline-build/jenkins-api/README.md).
 * Mirrors org.jenkins-ci.main:jenkins-core:2.541.3 (jenkinsci/jenkins tag jenkins-2.541.3),
 * core/src/main/java/hudson/model/SimpleParameterDefinition.java. Declares only what the plugin uses; bodies are not the real ones.
 */
package hudson.model;

import edu.umd.cs.findbugs.annotations.NonNull;

// Real: also final createValue(StaplerRequest2) and createValue(CLICommand, String), both
// forwarding to createValue(String), and a deprecated (name, description) constructor.
public abstract class SimpleParameterDefinition extends ParameterDefinition {
    private static final long serialVersionUID = 1L;

    // Trivial behaviour: the name goes to ParameterDefinition, as in the real class.
    protected SimpleParameterDefinition(@NonNull String name) {
        super(name);
    }

    public abstract ParameterValue createValue(String value);
}
