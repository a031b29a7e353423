/*
 * Signature-only stand-in, never shipped (see offline-build/jenkins-api/README.md).
 * Mirrors org.jenkins-ci.main:jenkins-core:2.541.3 (jenkinsci/jenkins tag jenkins-2.541.3),
 * core/src/main/java/hudson/model/StringParameterValue.java. Declares only what the plugin uses; bodies are not the real ones.
 */
package hudson.model;

import org.kohsuke.stapler.DataBoundConstructor;

// Real: also the public value field (restricted to core), a (name, value, description)
// constructor, buildEnvironment (NAME=value), createVariableResolver, doTrim, equals/hashCode,
// toString and getShortDescription.
public class StringParameterValue extends ParameterValue {
    private static final long serialVersionUID = 1L;

    // Trivial behaviour: keeps the value, so tests can read it back.
    private final String stored;

    @DataBoundConstructor
    public StringParameterValue(String name, String value) {
        super(name, null);
        this.stored = value == null ? "" : value;
    }

    @Override
    public String getValue() {
        return stored;
    }
}
