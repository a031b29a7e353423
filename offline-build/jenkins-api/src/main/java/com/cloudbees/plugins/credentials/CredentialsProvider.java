/*
 * Signature-only stand-in, never shipped (see offline-build/jenkins-api/README.md).
 * Mirrors org.jenkins-ci.plugins:credentials:1511.v2e3cb_0008ef0 (BOM 6916.v15ec97679743; read at jenkinsci/credentials-plugin d96751bc),
 * src/main/java/com/cloudbees/plugins/credentials/CredentialsProvider.java. Declares only what the plugin uses; bodies are not the real ones.
 */
package com.cloudbees.plugins.credentials;

import com.cloudbees.plugins.credentials.common.IdCredentials;
import com.cloudbees.plugins.credentials.domains.DomainRequirement;
import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import edu.umd.cs.findbugs.annotations.Nullable;
import hudson.model.Item;
import hudson.model.Run;
import hudson.security.Permission;
import hudson.security.PermissionGroup;
import hudson.util.ListBoxModel;
import java.util.List;
import org.springframework.security.core.Authentication;

// Real: extends Descriptor<CredentialsProvider> implements ExtensionPoint, Describable<CredentialsProvider>,
// IconSpec; only its static API is used.
public abstract class CredentialsProvider {
    // Real: "UseItem" in the credentials group; built with a trivial stand-in constructor here.
    public static final Permission USE_ITEM = new Permission(new PermissionGroup(CredentialsProvider.class, null),
            "UseItem", null, null);

    private CredentialsProvider() {
        throw new UnsupportedOperationException("stand-in");
    }

    @NonNull
    public static <C extends IdCredentials> ListBoxModel listCredentialsInItem(@NonNull Class<C> type,
            @Nullable Item item, @Nullable Authentication authentication,
            @Nullable List<DomainRequirement> domainRequirements, @Nullable CredentialsMatcher matcher) {
        throw new UnsupportedOperationException("stand-in");
    }

    @CheckForNull
    public static <C extends IdCredentials> C findCredentialById(@NonNull String id, @NonNull Class<C> type,
            @NonNull Run<?, ?> run, @Nullable List<DomainRequirement> domainRequirements) {
        throw new UnsupportedOperationException("stand-in");
    }

    @SuppressWarnings("rawtypes")
    @CheckForNull
    public static <C extends Credentials> C track(@NonNull Run build, @CheckForNull C credentials) {
        throw new UnsupportedOperationException("stand-in");
    }
}
