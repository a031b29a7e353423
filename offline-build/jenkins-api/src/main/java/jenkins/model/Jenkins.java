/*
 * Signature-only stand-in, never shipped (see offline-build/jenkins-api/README.md).
 * Mirrors org.jenkins-ci.main:jenkins-core:2.541.3 (jenkinsci/jenkins tag jenkins-2.541.3),
 * core/src/main/java/jenkins/model/Jenkins.java. Declares only what the plugin uses; bodies are not the real ones.
 */
package jenkins.model;

import edu.umd.cs.findbugs.annotations.NonNull;
import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.model.Descriptor;
import hudson.model.Item;
import hudson.security.ACL;
import hudson.security.AccessControlled;
import hudson.security.Permission;
import hudson.security.PermissionGroup;
import java.io.File;
import java.util.Set;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;

// Real: extends AbstractCIBase implements AccessControlled and a dozen other interfaces.
public class Jenkins implements AccessControlled {
    // The real value: the anonymous token with the "anonymous" authority.
    public static final Authentication ANONYMOUS2 = new AnonymousAuthenticationToken("anonymous", "anonymous",
            Set.of(new SimpleGrantedAuthority("anonymous")));

    // Real: Permission.HUDSON_ADMINISTER; built with a trivial stand-in constructor here.
    public static final Permission ADMINISTER = new Permission(new PermissionGroup(Jenkins.class, null),
            "Administer", null, null);

    private Jenkins() {
        throw new UnsupportedOperationException("stand-in");
    }

    @NonNull
    public static Jenkins get() throws IllegalStateException {
        throw new IllegalStateException("stand-in: there is no Jenkins in a unit test");
    }

    // Trivial behaviour: no Jenkins runs in a unit test, which the real method says with null too.
    @CheckForNull
    public static Jenkins getInstanceOrNull() {
        return null;
    }

    // Trivial behaviour: the thread's authentication or anonymous, as in the real class.
    public static @NonNull Authentication getAuthentication2() {
        Authentication a = SecurityContextHolder.getContext().getAuthentication();
        return a == null ? ANONYMOUS2 : a;
    }

    @Override
    @NonNull
    public ACL getACL() {
        throw new UnsupportedOperationException("stand-in");
    }

    @CheckForNull
    public <T extends Item> T getItemByFullName(@NonNull String fullName, Class<T> type) throws AccessDeniedException {
        throw new UnsupportedOperationException("stand-in");
    }

    public File getRootDir() {
        throw new UnsupportedOperationException("stand-in");
    }

    @SuppressWarnings("rawtypes")
    public <T extends Descriptor> T getDescriptorByType(Class<T> type) {
        throw new UnsupportedOperationException("stand-in");
    }
}
