/*
 * Signature-only stand-in, never shipped (see offline-build/jenkins-api/README.md).
 * Mirrors org.jenkins-ci.main:jenkins-core:2.541.3 (jenkinsci/jenkins tag jenkins-2.541.3),
 * core/src/main/java/hudson/security/ACL.java. Declares only what the plugin uses; bodies are not the real ones.
 */
package hudson.security;

import edu.umd.cs.findbugs.annotations.NonNull;
import jenkins.model.Jenkins;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;

public abstract class ACL {
    // The real value: the SYSTEM user name and password token.
    public static final Authentication SYSTEM2 = new UsernamePasswordAuthenticationToken("SYSTEM", "SYSTEM");

    // The real class has an implicit public constructor; tests subclass it.
    public ACL() {
    }

    // Trivial behaviour: denies with Spring's AccessDeniedException (the real one throws its
    // subclass AccessDeniedException3), so a test's denying ACL is observable.
    public final void checkPermission(@NonNull Permission p) {
        if (!hasPermission(p)) {
            throw new AccessDeniedException("stand-in ACL denies " + p);
        }
    }

    // Trivial behaviour: the current thread's authentication, as in the real class.
    public final boolean hasPermission(@NonNull Permission p) {
        Authentication a = Jenkins.getAuthentication2();
        return a.equals(SYSTEM2) || hasPermission2(a, p);
    }

    public boolean hasPermission2(@NonNull Authentication a, @NonNull Permission permission) {
        throw new UnsupportedOperationException("stand-in");
    }

    @NonNull
    public static ACLContext as2(@NonNull Authentication auth) {
        throw new UnsupportedOperationException("stand-in");
    }
}
