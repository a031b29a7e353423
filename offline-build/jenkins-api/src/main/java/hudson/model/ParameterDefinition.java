/*
 * Signature-only stand-in, never shipped (see offline-build/jenkins-api/README.md).
 * Mirrors org.jenkins-ci.main:jenkins-core:2.541.3 (jenkinsci/jenkins tag jenkins-2.541.3),
 * core/src/main/java/hudson/model/ParameterDefinition.java. Declares only what the plugin uses; bodies are not the real ones.
 */
package hudson.model;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.ExtensionPoint;
import java.io.Serializable;
import net.sf.json.JSONObject;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.StaplerRequest2;

// Real: also createValue(StaplerRequest2) and the deprecated StaplerRequest/CLICommand forms,
// copyWithDefaultValue, getType, getFormattedDescription, all(), equals/hashCode.
public abstract class ParameterDefinition implements Describable<ParameterDefinition>, ExtensionPoint, Serializable {
    private static final long serialVersionUID = 1L;

    // Trivial behaviour: keeps the name, and the description below, so tests can read them back.
    private final String name;
    private String description;

    protected ParameterDefinition(@NonNull String name) {
        this.name = name;
    }

    @NonNull
    public String getName() {
        return name;
    }

    @CheckForNull
    public String getDescription() {
        return description;
    }

    // Trivial behaviour, as above (the real one also turns blank into null).
    @DataBoundSetter
    public void setDescription(@CheckForNull String description) {
        this.description = description;
    }

    // Real: a non-abstract method that forwards to the deprecated StaplerRequest form when a
    // subclass overrides that one; every definition overrides one of the two.
    @CheckForNull
    public ParameterValue createValue(StaplerRequest2 req, JSONObject jo) {
        throw new UnsupportedOperationException("stand-in");
    }

    @CheckForNull
    public ParameterValue getDefaultParameterValue() {
        throw new UnsupportedOperationException("stand-in");
    }

    public boolean isValid(ParameterValue value) {
        throw new UnsupportedOperationException("stand-in");
    }

    // Real: also a constructor taking the describable's class, getValuePage() and getDisplayName().
    public abstract static class ParameterDescriptor extends Descriptor<ParameterDefinition> {
        // Trivial behaviour: unit tests create descriptors to call their form methods.
        protected ParameterDescriptor() {
        }
    }
}
