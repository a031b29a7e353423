/*
 * Signature-only stand-in, never shipped (see offline-build/jenkins-api/README.md).
 * Mirrors org.jenkins-ci.main:jenkins-core:2.541.3 (jenkinsci/jenkins tag jenkins-2.541.3),
 * core/src/main/java/hudson/model/ParameterValue.java. Declares only what the plugin uses; bodies are not the real ones.
 */
package hudson.model;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.io.Serializable;

// Real: also buildEnvironment, createBuildWrapper, createVariableResolver, isSensitive,
// getAssignedLabel, equals/hashCode and the (name) constructor.
public abstract class ParameterValue implements Serializable {
    private static final long serialVersionUID = 1L;

    // Trivial behaviour: keeps the name and the description, so tests can read them back.
    protected final String name;
    private String description;

    protected ParameterValue(String name, String description) {
        this.name = name;
        this.description = description;
    }

    public String getDescription() {
        return description;
    }

    public void setDescription(String description) {
        this.description = description;
    }

    public final String getName() {
        return name;
    }

    public String getShortDescription() {
        throw new UnsupportedOperationException("stand-in");
    }

    @CheckForNull
    public Object getValue() {
        throw new UnsupportedOperationException("stand-in");
    }
}
