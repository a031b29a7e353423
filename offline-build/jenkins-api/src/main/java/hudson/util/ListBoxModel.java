/*
 * Signature-only stand-in, never shipped (see offline-build/jenkins-api/README.md).
 * Mirrors org.jenkins-ci.main:jenkins-core:2.541.3 (jenkinsci/jenkins tag jenkins-2.541.3),
 * core/src/main/java/hudson/util/ListBoxModel.java. Declares only what the plugin uses; bodies are not the real ones.
 */
package hudson.util;

import edu.umd.cs.findbugs.annotations.NonNull;
import java.util.ArrayList;

// Real: also implements org.kohsuke.stapler.HttpResponse.
public class ListBoxModel extends ArrayList<ListBoxModel.Option> {
    private static final long serialVersionUID = 1L;

    // Trivial behaviour: an empty list, as the real one.
    public ListBoxModel() {
    }

    // Trivial behaviour: tests read the options back.
    public void add(@NonNull String displayName, @NonNull String value) {
        add(new Option(displayName, value));
    }

    public static final class Option {
        @NonNull
        public String name;
        @NonNull
        public String value;
        public boolean selected;

        // Trivial behaviour: keeps the two strings.
        public Option(@NonNull String name, @NonNull String value) {
            this.name = name;
            this.value = value;
        }
    }
}
